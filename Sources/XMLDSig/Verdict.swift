import Foundation
import LibXML

/// The outcome of verifying one document: valid or refused (with a reason code and a sentence),
/// who signed, with what, when it was checked, and the steps that led there.
public struct Verdict: Sendable {
    public enum Outcome: Sendable, Equatable {
        case valid
        case refused(SignatureRefusal)
    }

    public let outcome: Outcome
    /// nil when the document was refused before its certificate was read.
    public let signer: Signer?
    public let algorithms: Algorithms?
    /// The time the certificate chain was checked at.
    public let time: Date
    /// Each check in order, including the one that refused: the diagnostics that explain a verdict.
    public let diagnostics: [Diagnostic]
    /// What a policy tolerated rather than refused (a missing CRL under "warn").
    public let warnings: [String]
    /// Whether the chain result came from the cache.
    public let chainFromCache: Bool
    /// The `From/OrganId` the envelope claims, for sender binding.
    public let claimedSender: String?

    public struct Algorithms: Sendable, Equatable {
        public let signature: SignatureMethod
        public let digest: DigestMethod
        public let canonicalization: C14NMethod
    }

    /// One check and what it found. The sentence is written only when read: a busy verifier
    /// produces thousands of verdicts whose details nobody looks at.
    public struct Diagnostic: Sendable, CustomStringConvertible {
        public enum Result: String, Sendable { case passed, warned, failed }
        public let check: String
        public let result: Result
        private let render: @Sendable () -> String
        public var detail: String { render() }
        public var description: String { "\(result.rawValue): \(check): \(detail)" }

        public init(check: String, result: Result, detail: @escaping @Sendable () -> String) {
            self.check = check
            self.result = result
            self.render = detail
        }

        public init(check: String, result: Result, detail: String) {
            self.init(check: check, result: result, detail: { detail })
        }
    }

    /// This verdict, refused with `sender.*` unless the signer may speak for the envelope's
    /// `From/OrganId` (and that id is `expected`, when given). A refused verdict stays as it is.
    public func bindingSender(with binding: SenderBinding, expected: String? = nil) -> Verdict {
        guard isValid, let signer else { return self }
        do {
            guard let claimed = claimedSender else {
                throw SignatureRefusal(.senderMissing, "the envelope has no From/OrganId")
            }
            if let expected, expected.trimmingWhitespace != claimed {
                throw SignatureRefusal(.senderUnexpected, "the envelope comes from \(claimed), not the expected \(expected)")
            }
            let basis = try binding.check(signer, speaksFor: claimed)
            return with(diagnostic: Diagnostic(check: "sender", result: .passed, detail: "\(signer.subject) speaks for \(claimed) by \(basis)"))
        } catch let refusal as SignatureRefusal {
            return with(diagnostic: Diagnostic(check: refusal.reasonCode, result: .failed, detail: refusal.explanation), outcome: .refused(refusal))
        } catch {
            return self
        }
    }

    private func with(diagnostic: Diagnostic, outcome: Outcome? = nil) -> Verdict {
        Verdict(outcome: outcome ?? self.outcome, signer: signer, algorithms: algorithms, time: time,
                diagnostics: diagnostics + [diagnostic], warnings: warnings, chainFromCache: chainFromCache,
                claimedSender: claimedSender)
    }

    public var isValid: Bool { outcome == .valid }

    public var refusal: SignatureRefusal? {
        if case .refused(let refusal) = outcome { return refusal }
        return nil
    }

    public var reasonCode: String? { refusal?.reasonCode }

    /// One line for logs and the `verify` command.
    public var summary: String {
        switch outcome {
        case .valid:
            var parts = ["valid"]
            if let signer {
                parts.append("signer \"\(signer.subject)\" serial \(signer.serialHex)")
                parts.append("organid \(signer.organId ?? "-")")
                parts.append("issuer \"\(signer.issuer)\"")
            }
            if let algorithms {
                parts.append("alg \(algorithms.signature.name)/\(algorithms.digest)/\(algorithms.canonicalization.shortName)")
            }
            parts.append("at \(ISO8601DateFormatter().string(from: time))")
            if !warnings.isEmpty { parts.append("warnings: " + warnings.joined(separator: "; ")) }
            return parts.joined(separator: "; ")
        case .refused(let refusal):
            return "refused; \(refusal.reasonCode): \(refusal.explanation)"
        }
    }
}
