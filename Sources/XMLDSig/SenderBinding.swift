/// Decides whether a verified signer may speak for an envelope's `From/OrganId`.
///
/// A signer is bound to an OrganId when its certificate carries that id (SAN URI
/// `urn:organid:<id>`, subject serialNumber, or a subject OU equal to the id; see
/// docs/signature.md) or when the caller's explicit mapping lists the certificate's SHA-256
/// fingerprint for the id (a bus registry, or a CA that does not put ids in certificates).
public struct SenderBinding: Sendable {
    /// Certificate SHA-256 fingerprint (lowercase hex) → the OrganIds it may speak for.
    public var mapping: [String: Set<String>]

    public init(mapping: [String: Set<String>] = [:]) {
        self.mapping = mapping.reduce(into: [:]) { $0[$1.key.lowercased(), default: []].formUnion($1.value) }
    }

    /// How a binding was established.
    public enum Basis: Sendable, Equatable, CustomStringConvertible {
        case certificate(CarriedOrganId.Source)
        case explicitMapping

        public var description: String {
            switch self {
            case .certificate(let source): "the certificate's \(source.rawValue)"
            case .explicitMapping: "the configured mapping"
            }
        }
    }

    /// The basis on which `signer` may speak for `organId`, or the refusal `sender.not_bound`.
    public func check(_ signer: Signer, speaksFor organId: String) throws -> Basis {
        let wanted = organId.trimmingWhitespace
        guard !wanted.isEmpty else {
            throw SignatureRefusal(.senderMissing, "the envelope names no From/OrganId to bind the signer to")
        }
        if let carried = signer.organIds.first(where: { $0.id == wanted }) {
            return .certificate(carried.source)
        }
        if mapping[signer.fingerprintHex]?.contains(wanted) == true {
            return .explicitMapping
        }
        let carried = signer.organIds.isEmpty ? "carries no OrganId"
            : "carries \(signer.organIds.map { "\($0.id) (\($0.source.rawValue))" }.joined(separator: ", "))"
        throw SignatureRefusal(.senderMismatch, "the signer \(signer.subject) may not speak for \(wanted): its certificate \(carried) and no mapping names it")
    }
}
