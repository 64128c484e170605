import LibCrypto
import LibXML

/// The XML-DSig namespace and the algorithm URIs the profile knows (by name, to refuse the rest clearly).
public enum DSig {
    public static let namespace = "http://www.w3.org/2000/09/xmldsig#"
    public static let envelopedSignature = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
    static let xpath = "http://www.w3.org/TR/1999/REC-xpath-19991116"
    static let xpathFilter2 = "http://www.w3.org/2002/06/xmldsig-filter2"
    static let xslt = "http://www.w3.org/TR/1999/REC-xslt-19991116"
}

/// A SignatureMethod the profile verifies. Signing uses only the non-legacy ones.
public enum SignatureMethod: String, Sendable, CaseIterable, CustomStringConvertible {
    case rsaSHA1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
    case rsaSHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
    case rsaSHA384 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384"
    case rsaSHA512 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512"
    case ecdsaSHA256 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"
    case ecdsaSHA384 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384"

    /// The command-line names: `rsa-sha256`, `rsa-sha512`, `ecdsa-sha256`, …
    public var name: String {
        switch self {
        case .rsaSHA1: "rsa-sha1"
        case .rsaSHA256: "rsa-sha256"
        case .rsaSHA384: "rsa-sha384"
        case .rsaSHA512: "rsa-sha512"
        case .ecdsaSHA256: "ecdsa-sha256"
        case .ecdsaSHA384: "ecdsa-sha384"
        }
    }

    public init?(name: String) {
        guard let method = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = method
    }

    public var description: String { name }

    public var scheme: SignatureScheme {
        switch self {
        case .rsaSHA1: .rsaPKCS1(.sha1)
        case .rsaSHA256: .rsaPKCS1(.sha256)
        case .rsaSHA384: .rsaPKCS1(.sha384)
        case .rsaSHA512: .rsaPKCS1(.sha512)
        case .ecdsaSHA256: .ecdsa(.sha256)
        case .ecdsaSHA384: .ecdsa(.sha384)
        }
    }

    public var usesSHA1: Bool { self == .rsaSHA1 }

    /// What a signer uses by default, and what it may use (never SHA-1).
    public static let signingDefault = SignatureMethod.rsaSHA256
    /// The signing default for a key: RSA-SHA256, or ECDSA with the curve's own digest.
    public static func signingDefault(for kind: KeyKind) -> SignatureMethod {
        switch kind {
        case .rsa: .rsaSHA256
        case .ecP256: .ecdsaSHA256
        case .ecP384: .ecdsaSHA384
        }
    }

    public static let signable: [SignatureMethod] = [.rsaSHA256, .rsaSHA384, .rsaSHA512, .ecdsaSHA256, .ecdsaSHA384]

    /// The digest a signer pairs with this method.
    public var referenceDigest: DigestMethod {
        switch self {
        case .rsaSHA1: .sha1
        case .rsaSHA256, .ecdsaSHA256: .sha256
        case .rsaSHA384, .ecdsaSHA384: .sha384
        case .rsaSHA512: .sha512
        }
    }
}

/// A DigestMethod the profile verifies.
public enum DigestMethod: String, Sendable, CaseIterable, CustomStringConvertible {
    case sha1 = "http://www.w3.org/2000/09/xmldsig#sha1"
    case sha256 = "http://www.w3.org/2001/04/xmlenc#sha256"
    case sha384 = "http://www.w3.org/2001/04/xmldsig-more#sha384"
    case sha512 = "http://www.w3.org/2001/04/xmlenc#sha512"

    public var algorithm: DigestAlgorithm {
        switch self {
        case .sha1: .sha1
        case .sha256: .sha256
        case .sha384: .sha384
        case .sha512: .sha512
        }
    }

    public var description: String { algorithm.rawValue }
}

/// Known-bad algorithm URIs get their own sentence instead of "unknown".
enum ForbiddenAlgorithm {
    static let md5URIs: Set<String> = [
        "http://www.w3.org/2001/04/xmldsig-more#md5",
        "http://www.w3.org/2001/04/xmldsig-more#rsa-md5",
        "http://www.w3.org/2001/04/xmldsig-more#hmac-md5",
    ]
}

extension C14NMethod {
    /// The same method without comments: a `URI=""` reference drops comments whatever the
    /// transform says (XML-DSig §4.4.3.3), so that is what its digest covers.
    var withoutComments: C14NMethod {
        switch self {
        case .inclusive, .inclusiveWithComments: .inclusive
        case .exclusive, .exclusiveWithComments: .exclusive
        }
    }

    var shortName: String {
        switch self {
        case .inclusive: "c14n"
        case .inclusiveWithComments: "c14n-with-comments"
        case .exclusive: "exc-c14n"
        case .exclusiveWithComments: "exc-c14n-with-comments"
        }
    }
}
