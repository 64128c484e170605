/// The key types the signature profile allows.
public enum KeyKind: Sendable, Equatable, CustomStringConvertible {
    case rsa(bits: Int)
    case ecP256
    case ecP384

    public var description: String {
        switch self {
        case .rsa(let bits): "RSA-\(bits)"
        case .ecP256: "EC P-256"
        case .ecP384: "EC P-384"
        }
    }

    /// The byte length of r and of s in a raw (XML-DSig) ECDSA signature; nil for RSA.
    var ecdsaFieldLength: Int? {
        switch self {
        case .rsa: nil
        case .ecP256: 32
        case .ecP384: 48
        }
    }
}

/// How a signature is computed: the key's scheme and the digest it signs.
public enum SignatureScheme: Sendable, Equatable, Hashable, CustomStringConvertible {
    case rsaPKCS1(DigestAlgorithm)
    case ecdsa(DigestAlgorithm)

    public var digest: DigestAlgorithm {
        switch self {
        case .rsaPKCS1(let digest), .ecdsa(let digest): digest
        }
    }

    public var description: String {
        switch self {
        case .rsaPKCS1(let digest): "RSA-\(digest.rawValue)"
        case .ecdsa(let digest): "ECDSA-\(digest.rawValue)"
        }
    }

    func accepts(_ kind: KeyKind) -> Bool {
        switch (self, kind) {
        case (.rsaPKCS1, .rsa), (.ecdsa, .ecP256), (.ecdsa, .ecP384): true
        default: false
        }
    }
}

func keyKind(of pkey: OpaquePointer) throws -> KeyKind {
    switch EVP_PKEY_get_base_id(pkey) {
    case EVP_PKEY_RSA:
        return .rsa(bits: Int(EVP_PKEY_get_bits(pkey)))
    case EVP_PKEY_EC:
        var name = [CChar](repeating: 0, count: 64)
        var length = 0
        guard EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, &name, name.count, &length) == 1 else {
            throw CryptoError.fromQueue(.unsupported, "an EC key without a named curve")
        }
        switch String(decoding: name.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self) {
        case "prime256v1", "P-256", "secp256r1": return .ecP256
        case "secp384r1", "P-384": return .ecP384
        case let other: throw CryptoError(.unsupported, "EC curve \(other) is not allowed (P-256 and P-384 are)")
        }
    default:
        throw CryptoError(.unsupported, "only RSA and EC keys are supported")
    }
}

import COpenSSL
