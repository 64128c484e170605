import Foundation
import LibXML
import XMLDSig

/// The signature step under `[signature] policy`, with sender binding after it:
/// - `require`: a valid, trusted signature by a signer bound to `From/OrganId`, or a refusal with
///   the verifier's reason code (`signature.*`, `cert.*`, `sender.*`); the verdict is `valid`.
/// - `record`: the document is accepted either way; the verdict is `valid`, `unsigned` (no
///   Signature at all) or `recorded:<reason code>`.
/// - `off`: nothing is checked; the verdict is `unchecked`.
struct SignatureCheck: Sendable {
    enum Result: Sendable, Equatable {
        case accepted(verdict: String, reasonCode: String?)
        case refused(reasonCode: String, explanation: String)
    }

    let mode: GatewayConfiguration.SignaturePolicy.Mode
    /// nil when the policy is off, or when no trust anchor could be loaded.
    let verifier: SignatureVerifier?
    let binding: SenderBinding

    /// `source`: the bytes `document` was parsed from (see `SignatureVerifier`).
    func check(_ document: XMLDocument, parsedFrom source: ArraySlice<UInt8>, at time: Date = Date()) -> Result {
        guard mode != .off else { return .accepted(verdict: "unchecked", reasonCode: nil) }
        let verdict = verifier?.verify(document: document, parsedFrom: source, at: time).bindingSender(with: binding)
        let refusal: (code: String, explanation: String)?
        if let verdict {
            refusal = verdict.refusal.map { ($0.reasonCode, $0.explanation) }
        } else {
            refusal = ("cert.untrusted", "no trust anchor is configured, so no signature can be trusted")
        }
        guard let refusal else { return .accepted(verdict: "valid", reasonCode: nil) }
        switch mode {
        case .require:
            return .refused(reasonCode: refusal.code, explanation: refusal.explanation)
        case .record:
            let text = refusal.code == SignatureRefusal.Reason.missing.rawValue ? "unsigned" : "recorded:\(refusal.code)"
            return .accepted(verdict: text, reasonCode: refusal.code)
        case .off:
            return .accepted(verdict: "unchecked", reasonCode: nil)
        }
    }
}
