import EdXML

/// Why the inbound pipeline refused an envelope: the reason code of the step that refused it
/// (`xml.doctype_forbidden`, `edxml.missing_recipient`, `signature.digest_mismatch`,
/// `inbound.not_addressed`…) and a sentence. Thrown to the bus endpoint, which answers 422.
public struct InboundRefusal: ReasonCoded, Sendable, Equatable {
    public let reasonCode: String
    public let explanation: String
    /// The kept refusal's id (`lienthong inbox show ID`).
    public let refusalID: String?

    public init(_ reasonCode: String, _ explanation: String, refusalID: String? = nil) {
        self.reasonCode = reasonCode
        self.explanation = explanation
        self.refusalID = refusalID
    }

    init(_ error: any ReasonCoded) {
        self.init(error.reasonCode, error.explanation)
    }

    func kept(as id: String) -> InboundRefusal {
        InboundRefusal(reasonCode, explanation + " (kept as refusal \(id))", refusalID: id)
    }
}

/// Where an envelope came from: pushed to `POST /bus/v1/edoc`, or fetched from the bus by the poller.
public enum InboundSource: Sendable, Equatable, CustomStringConvertible {
    case push
    case poll(busDocId: String)

    public var description: String {
        switch self {
        case .push: "push"
        case .poll(let docId): "poll:\(docId)"
        }
    }
}

/// What the pipeline did with one envelope.
public enum InboundOutcome: Sendable, Equatable {
    /// Stored now: one inbox row per recipient of ours (statuses: one row).
    case accepted(ids: [String])
    /// Already stored (the same message key): acknowledged again, nothing new stored.
    case duplicate(ids: [String])
    /// Refused and kept for the operator.
    case refused(InboundRefusal)

    public var ids: [String] {
        switch self {
        case .accepted(let ids), .duplicate(let ids): ids
        case .refused(let refusal): refusal.refusalID.map { [$0] } ?? []
        }
    }
}
