import EdXML

/// Why a signature was refused (or could not be made). Each reason is a stable code; see
/// docs/signature.md for the list and what an operator can do about each.
public struct SignatureRefusal: ReasonCoded, Sendable, Equatable {
    public enum Reason: String, Sendable, CaseIterable {
        // The document
        case xmlDoctypeForbidden = "xml.doctype_forbidden"
        case xmlTooLarge = "xml.too_large"
        case xmlLimitExceeded = "xml.limit_exceeded"
        case xmlMalformed = "xml.malformed"
        case notAnEnvelope = "envelope.not_edxml"
        // Where the signature is and how many
        case missing = "signature.missing"
        case multiple = "signature.multiple"
        case misplaced = "signature.misplaced"
        case wrongNamespace = "signature.wrong_namespace"
        case wrapping = "signature.wrapping"
        case alreadySigned = "signature.already_signed"
        // What the signature says
        case malformed = "signature.malformed"
        case objectForbidden = "signature.object_forbidden"
        case referenceCount = "signature.reference_count"
        case referenceURI = "signature.reference_uri"
        case transformForbidden = "signature.transform_forbidden"
        case algorithmForbidden = "signature.algorithm_forbidden"
        case sha1NotAllowed = "signature.sha1_not_allowed"
        case keyMismatch = "signature.key_mismatch"
        case valueMalformed = "signature.value_malformed"
        case valueInvalid = "signature.value_invalid"
        case digestMismatch = "signature.digest_mismatch"
        // The certificate
        case certificateMissing = "cert.missing"
        case certificateMalformed = "cert.malformed"
        case untrusted = "cert.untrusted"
        case selfSigned = "cert.self_signed"
        case expired = "cert.expired"
        case notYetValid = "cert.not_yet_valid"
        case revoked = "cert.revoked"
        case crlUnavailable = "cert.crl_unavailable"
        case crlExpired = "cert.crl_expired"
        case keyUsage = "cert.key_usage"
        case chainInvalid = "cert.chain_invalid"
        // Who may speak for whom
        case senderMissing = "sender.organid_missing"
        case senderMismatch = "sender.not_bound"
        case senderUnexpected = "sender.unexpected"
        // Signing
        case keyUnusable = "key.unusable"
        case internalFailure = "signature.internal"
    }

    public let reason: Reason
    public let explanation: String

    public var reasonCode: String { reason.rawValue }

    public init(_ reason: Reason, _ explanation: String) {
        self.reason = reason
        self.explanation = explanation
    }
}
