import EdXML
import Foundation
import Relay
import Store
import XMLDSig

/// Sends a business status (01 arrived, 02 refused, 03 accepted, 13 recall, 15/16 …) about a
/// document: builds the edXML status message, signs it with the gateway's key, and queues it
/// for the bus like any outbound message (`kind` "status", destination the party told).
public struct StatusSender: Sendable {
    public struct Status: Sendable {
        public var code: StatusCode
        public var description: String?
        public var staff: StaffInfo?
        /// The organisation reporting (one of ours).
        public var from: OrganId
        /// The organisation told: the document's sender, or its recipient for a recall.
        public var to: OrganId
        /// The document the status is about.
        public var about: ResponseFor

        public init(code: StatusCode, description: String? = nil, staff: StaffInfo? = nil, from: OrganId, to: OrganId,
                    about: ResponseFor) {
            self.code = code
            self.description = description
            self.staff = staff
            self.from = from
            self.to = to
            self.about = about
        }
    }

    let store: any MessageStore
    let signer: EnvelopeSigner?
    let signal: DeliverySignal?
    let now: @Sendable () -> Date

    public init(store: any MessageStore, signer: EnvelopeSigner?, signal: DeliverySignal?,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.signer = signer
        self.signal = signal
        self.now = now
    }

    /// The signed status message's bytes.
    public func envelope(for status: Status) throws -> [UInt8] {
        let at = now()
        let message = StatusMessage(from: Organization(organId: status.from), responseFor: status.about, staff: status.staff,
                                    statusCode: status.code, description: status.description,
                                    timestamp: DateText(LocalDateTime(at, withTime: true)),
                                    traceList: TraceHeaderList().appending(organId: status.from, at: at))
        guard let signer else { return Array(try EdXMLWriter().data(for: .status(message))) }
        return try signer.signedEnvelope(.status(message))
    }

    /// Builds, signs and durably queues the status; returns the outbound message's id. The same
    /// `idempotencyKey` queues it once (for statuses sent automatically, e.g. 01 on arrival).
    public func send(_ status: Status, idempotencyKey: String? = nil) async throws -> String {
        var submission = submission(of: status, envelope: try envelope(for: status))
        submission.idempotencyKey = idempotencyKey
        let receipt = try await store.enqueue(submission)
        signal?.nudge()
        return receipt.messages.first?.messageID ?? receipt.submissionID
    }

    /// The outbound message carrying `status`, signed as `envelope`.
    public func submission(of status: Status, envelope: [UInt8]) -> Store.OutboundSubmission {
        Store.OutboundSubmission(
            documentID: status.about.documentId ?? "", from: status.from.text, to: [status.to.text],
            subject: "status \(status.code.text) (\(status.code.name))", kind: "status", envelope: Data(envelope))
    }
}
