import Foundation
import LibCrypto
import LibXML

/// What a policy judges: the algorithms a signature uses and the certificate chain behind it.
public struct SignatureCandidate: Sendable {
    public let method: SignatureMethod
    public let digest: DigestMethod
    public let canonicalization: C14NMethod
    /// nil while only the algorithms are known (policies that need the certificate meet by default then).
    public let certificate: Certificate?
    public let chain: [Certificate]
    public let time: Date
}

/// How a policy judged a candidate.
public enum PolicyEvaluation: Sendable, Equatable {
    case meetsPolicy
    /// Accepted, with something an operator should know.
    case meetsPolicyWithWarning(String)
    case failsToMeetPolicy(SignatureRefusal)
}

/// One rule a verified signature must satisfy, beside the profile's fixed checks. Policies are
/// values an operator composes (`SignatureVerifier(policies:)`); each explains a refusal with its
/// own reason code, like swift-certificates' `VerifierPolicy`.
public protocol SignaturePolicy: Sendable {
    /// A short name for diagnostics ("algorithms", "key usage", …).
    var name: String { get }
    /// Whether this policy needs the certificate (false: judged before the chain is built).
    var needsCertificate: Bool { get }
    func evaluate(_ candidate: SignatureCandidate) -> PolicyEvaluation
}

/// Which algorithms are accepted: the profile's SHA-256 family always, SHA-1 (RSA-SHA1 and SHA-1
/// digests, the legacy national traffic) only with `allowSHA1`.
public struct AlgorithmPolicy: SignaturePolicy {
    public var allowSHA1: Bool
    public init(allowSHA1: Bool = false) { self.allowSHA1 = allowSHA1 }

    public var name: String { allowSHA1 ? "algorithms (allow-sha1)" : "algorithms" }
    public var needsCertificate: Bool { false }

    public func evaluate(_ candidate: SignatureCandidate) -> PolicyEvaluation {
        let sha1 = candidate.method.usesSHA1 || candidate.digest == .sha1
        guard sha1 else { return .meetsPolicy }
        guard allowSHA1 else {
            return .failsToMeetPolicy(SignatureRefusal(.sha1NotAllowed,
                "the signature uses SHA-1 (\(candidate.method.name), digest \(candidate.digest)); accept it only with the allow-sha1 policy"))
        }
        return .meetsPolicyWithWarning("SHA-1 accepted by the allow-sha1 policy")
    }
}

/// The signer's certificate must allow signing: keyUsage digitalSignature or nonRepudiation.
/// A certificate without a keyUsage extension is refused: a signing certificate says what it is for.
public struct KeyUsagePolicy: SignaturePolicy {
    public init() {}
    public var name: String { "key usage" }
    public var needsCertificate: Bool { true }

    public func evaluate(_ candidate: SignatureCandidate) -> PolicyEvaluation {
        guard let certificate = candidate.certificate else { return .meetsPolicy }
        guard let usage = certificate.keyUsage else {
            return .failsToMeetPolicy(SignatureRefusal(.keyUsage, "the signer's certificate has no keyUsage extension; it must allow digitalSignature or nonRepudiation"))
        }
        guard !usage.isDisjoint(with: [.digitalSignature, .nonRepudiation]) else {
            return .failsToMeetPolicy(SignatureRefusal(.keyUsage, "the signer's certificate does not allow digitalSignature or nonRepudiation"))
        }
        return .meetsPolicy
    }
}
