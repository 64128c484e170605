import EdXML
import Foundation
import Logging
import Store

/// What the pipeline queues after a decision, each under an idempotency key so a redelivery
/// never queues it twice: the status 01 to the sender, the copy for each unit's webhook, the
/// 02 for a refusal, the recall copy.
struct InboundFollowUps: Sendable {
    let parts: GatewayParts
    let logger: Logger

    /// The idempotency key of a document's 01 is this followed by its inbox id.
    static let arrivalKeyPrefix = "inbound-01:"

    /// The signed status 01 for a document about to be stored for `recipient`, for the store to
    /// queue with the row; nil when the sender is unknown.
    func arrival(of document: EdXMLDocument, documentID: String, recipient: String) throws -> InboundFollowUp? {
        let sender = document.header.from.organId?.text.trimmingCharacters(in: .whitespaces) ?? ""
        guard !sender.isEmpty else { return nil }
        let status = StatusSender.Status(code: .arrived, from: OrganId(recipient), to: OrganId(sender),
                                         about: Self.about(document.header, documentID: documentID))
        let envelope = try parts.statusSender.envelope(for: status)
        return InboundFollowUp(submission: parts.statusSender.submission(of: status, envelope: envelope),
                               idempotencyKeyPrefix: Self.arrivalKeyPrefix)
    }

    /// A document stored for `recipient` (or seen again): a copy to each webhook and, when the
    /// row's transaction did not queue it (a duplicate), the status 01 `unqueued` under its
    /// idempotency key, so a row stored by an earlier version, whose 01 was to follow it, gets it
    /// once. Both are keyed, so a redelivery queues neither twice.
    func arrived(_ document: EdXMLDocument, inboxID: String, recipient: String, envelope: [UInt8],
                 unqueued: InboundFollowUp?) async throws {
        if let unqueued {
            var status = unqueued.submission
            status.idempotencyKey = unqueued.idempotencyKeyPrefix + inboxID
            try await enqueueOnce(status)
        }
        try await copyToWebhooks(envelope, inboxID: inboxID, recipient: recipient, subject: document.header.subject ?? "",
                                 key: "inbound-webhook:\(inboxID)")
    }

    /// A recall (status 13 or a revoke envelope) stored as `inboxID`: the recalled documents are
    /// marked (by the store, in the same transaction); here each unit's webhook gets the recall
    /// message with the recalled document's inbox id.
    func recalled(_ recall: InboundRecall, by inboxID: String, envelope: [UInt8]) async throws {
        for document in try await parts.store.inboundDocuments(documentID: recall.documentID, sender: recall.sender) {
            logger.info("inbound document recalled", metadata: ["message_id": "\(document.id)", "recall": "\(inboxID)"])
            try await copyToWebhooks(envelope, inboxID: document.id, recipient: document.to, subject: "recall: \(document.subject)",
                                     key: "inbound-recall:\(document.id):\(inboxID)")
        }
    }

    /// A refused document whose sender is known: status 02 with the reason. Returns its message id.
    func refused(_ document: EdXMLDocument, documentID: String?, sender: String, from: String, refusal: InboundRefusal,
                 refusalID: String) async throws -> String? {
        let about = Self.about(document.header, documentID: documentID ?? "refused:\(refusalID)")
        let status = StatusSender.Status(code: .refused, description: "\(refusal.reasonCode): \(refusal.explanation)",
                                         from: OrganId(from), to: OrganId(sender), about: about)
        return try await sendOnce(status, key: "inbound-02:\(refusalID)")
    }

    static func about(_ header: DocumentHeader, documentID: String) -> ResponseFor {
        ResponseFor(organId: header.from.organId, code: header.code?.combined, promulgationDate: header.promulgation?.date,
                    documentId: documentID)
    }

    /// Queues the status unless its key was used; nil when it was (the first one is queued already:
    /// signed again now it would differ in its timestamp, which the store calls a conflict).
    func sendOnce(_ status: StatusSender.Status, key: String) async throws -> String? {
        do {
            return try await parts.statusSender.send(status, idempotencyKey: key)
        } catch let error as StoreError where error.reasonCode == "queue.idempotency_conflict" {
            return nil
        }
    }

    /// Queues a ready message unless its key was used (then the first one stands).
    private func enqueueOnce(_ submission: OutboundSubmission) async throws {
        do {
            if !(try await parts.store.enqueue(submission)).replayed { parts.deliverySignal.nudge() }
        } catch let error as StoreError where error.reasonCode == "queue.idempotency_conflict" {
            return
        }
    }

    /// One outbound message per unit whose webhook receives for `recipient`, destination
    /// `webhook:<unit name>`, document id the inbox id (the deliverer sends it as `X-Lienthong-Inbox-Id`).
    /// Queued once per key: a redelivery whose bytes differ (the bus re-serialises, or a later
    /// delivery carries another hop) is the same message, and the first copy stands, as the
    /// inbox row does.
    private func copyToWebhooks(_ envelope: [UInt8], inboxID: String, recipient: String, subject: String, key: String) async throws {
        let units = parts.configuration.units.filter { $0.webhookURL != nil && $0.organIds.contains(recipient) }
        guard !units.isEmpty else { return }
        try await enqueueOnce(OutboundSubmission(
            documentID: inboxID, from: recipient, to: units.map { "webhook:\($0.name)" }, subject: subject, kind: "webhook",
            envelope: Data(envelope), idempotencyKey: key))
    }
}
