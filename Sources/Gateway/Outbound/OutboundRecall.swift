import EdXML
import Foundation
import Logging
import Store

/// `POST /v1/documents/{id}/recall`. Per recipient: a delivery that has not happened yet
/// (queued, waiting to retry, held, dead) is cancelled, so the document never leaves; one that
/// happened or may be happening (delivered, sending, or delivered and purged from the queue
/// since) gets a signed status 13 carrying the reason, to which the recipient answers 15 or 16.
/// Each recipient is handled once: a recall interrupted half way is finished by asking again,
/// and the status messages it queued are not queued twice (their idempotency keys name the
/// submission and the recipient).
extension GatewayOutboundService {
    static let cancellableStates: Set<MessageState> = [.queued, .retryWait, .held, .dead]

    public func recall(id: String, reason: String, by unit: AuthenticatedUnit, logger: Logger) async throws -> OutboundDocument? {
        guard let submitted = try await store.submission(id: id, unit: unit.name) else { return nil }
        let recorded = Set(submitted.recall.map(\.destination))
        let pending = submitted.recipients.filter { !recorded.contains($0) }
        guard !pending.isEmpty else {
            throw Refusal("outbound.already_recalled", "document \(id) was already recalled")
        }
        let actor = "unit:\(unit.name)"
        let now = Date()
        var entries: [RecallEntry] = []

        let queued = Dictionary(submitted.deliveries.map { ($0.destination, $0) }, uniquingKeysWith: { first, _ in first })
        let cancellable = pending.compactMap { queued[$0] }.filter { Self.cancellableStates.contains($0.state) }.map(\.id)
        let cancelled = cancellable.isEmpty ? [] : try await store.cancel(cancellable, actor: actor, reason: "recall: \(reason)").changed
        var toTell: [String] = []
        for destination in pending {
            // A recipient without a message was delivered to, and the delivery purged from the queue since.
            guard let message = queued[destination] else { toTell.append(destination); continue }
            if cancelled.contains(message.id) || message.state == .cancelled {
                entries.append(RecallEntry(destination: destination, action: .cancelled, statusMessageID: nil,
                                           reason: reason, actor: actor, at: now))
            } else {
                toTell.append(destination)   // delivered, sending, or it moved on while we cancelled the others
            }
        }
        if !toTell.isEmpty {
            guard let about = DocumentReference.decode(submitted.reference)?.responseFor else {
                throw Refusal("outbound.reference_missing", "the gateway kept no reference for document \(id); it cannot name it in a status")
            }
            for destination in toTell {
                let statusID = try await queueRecallStatus(for: submitted, to: destination, about: about, reason: reason)
                entries.append(RecallEntry(destination: destination, action: .statusQueued, statusMessageID: statusID,
                                           reason: reason, actor: actor, at: now))
            }
            signal?.nudge()
        }
        try await store.recordRecall(entries, submissionID: submitted.id)
        logger.info("outbound document recalled", metadata: [
            "message_id": "\(submitted.id)", "document_id": "\(submitted.documentID)", "unit": "\(unit.name)",
            "cancelled": "\(entries.filter { $0.action == .cancelled }.count)",
            "statuses": "\(entries.filter { $0.action == .statusQueued }.count)"])
        guard let updated = try await store.submission(id: id, unit: unit.name) else { return nil }
        return try await view(updated)
    }

    /// The signed status 13, queued once per submission and recipient whatever the retries.
    private func queueRecallStatus(for submitted: SubmittedDocument, to destination: String, about: ResponseFor,
                                   reason: String) async throws -> String {
        let status = StatusSender.Status(code: "13", description: reason, from: OrganId(submitted.from),
                                         to: OrganId(destination), about: about)
        let key = "recall:\(submitted.id):\(destination)"
        let receipt = try await store.enqueue(OutboundSubmission(
            documentID: submitted.documentID, from: submitted.from, to: [destination],
            subject: "status 13 (\(StatusCode("13").name))", kind: "status",
            envelope: Data(try statusSender.envelope(for: status)), idempotencyKey: key, requestFingerprint: key))
        return receipt.messages.first?.messageID ?? receipt.submissionID
    }
}
