/// An error that carries a stable reason code (`xml.doctype_forbidden`, `signature.digest_mismatch`,
/// `cert.revoked`, …) and a sentence a person can act on. The API, the CLI, logs and metrics all
/// report refusals by this code, so a code, once published, never changes meaning.
public protocol ReasonCoded: Error, CustomStringConvertible {
    var reasonCode: String { get }
    var explanation: String { get }
}

extension ReasonCoded {
    public var description: String { "\(reasonCode): \(explanation)" }
}

/// A refusal with a reason code, for places that have no richer error type of their own.
public struct Refusal: ReasonCoded, Equatable, Sendable {
    public let reasonCode: String
    public let explanation: String

    public init(_ reasonCode: String, _ explanation: String) {
        self.reasonCode = reasonCode
        self.explanation = explanation
    }
}
