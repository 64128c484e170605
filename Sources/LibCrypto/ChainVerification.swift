/// What `TrustStore.verify` found for one certificate.
public struct ChainVerification: Sendable {
    /// The path OpenSSL built, leaf first, trust anchor last; empty when no path was trusted.
    public let chain: [Certificate]
    /// Why the chain is not trusted; nil when it is.
    public let failure: ChainFailure?
    /// What the revocation policy tolerated (a missing or stale CRL under the "warn" policy).
    public let warnings: [String]

    public var isTrusted: Bool { failure == nil }
}

/// A refused certificate chain, classified from OpenSSL's X509_V_ERR_* code.
public struct ChainFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: String, Sendable, Equatable {
        case untrustedIssuer, selfSigned, expired, notYetValid, revoked
        case crlUnavailable, crlExpired, crlNotYetValid, badSignature, notACertificateAuthority, other
    }

    public let reason: Reason
    /// Position in the chain of the certificate at fault: 0 is the signer's own.
    public let depth: Int
    public let openSSLCode: Int32
    /// OpenSSL's own sentence for the code.
    public let openSSLMessage: String
    /// The subject of the certificate at fault, when OpenSSL named one.
    public let subject: String?

    public var description: String {
        let who = subject.map { " (\($0), depth \(depth))" } ?? ""
        return "\(openSSLMessage)\(who)"
    }
}
