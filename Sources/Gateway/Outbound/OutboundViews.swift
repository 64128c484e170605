import Foundation
import Store

/// The unit API's JSON views of what the store keeps about a submitted document.
enum OutboundViews {
    static func summary(_ submitted: SubmittedDocument) -> OutboundSummary {
        OutboundSummary(id: submitted.id, documentId: submitted.documentID, state: submitted.state.rawValue,
                        to: submitted.deliveries.map(\.destination), subject: submitted.subject.isEmpty ? nil : submitted.subject,
                        createdAt: submitted.createdAt, updatedAt: submitted.updatedAt)
    }

    /// `statusStates`: the queue state of each status-13 message a recall queued, by id.
    static func document(_ submitted: SubmittedDocument, attempts: [String: [Attempt]], timeline: [StatusEvent],
                         statusStates: [String: MessageState]) -> OutboundDocument {
        let deliveries = submitted.deliveries
        let state = submitted.state
        // The reason that speaks for the document: that of a delivery in the state the document shows.
        let reason = [.dead, .held].contains(state) ? deliveries.first { $0.state == state }?.lastReasonCode : nil
        let waiting = deliveries.filter { [.queued, .retryWait].contains($0.state) }.compactMap(\.dueAt)
        let allAttempts = deliveries.flatMap { message in
            (attempts[message.id] ?? []).map { attempt(attempt: $0, to: message.destination) }
        }.sorted { $0.at < $1.at }
        return OutboundDocument(
            id: submitted.id, documentId: submitted.documentID, state: state.rawValue, from: submitted.from,
            to: submitted.recipients, subject: submitted.subject.isEmpty ? nil : submitted.subject,
            createdAt: submitted.createdAt, updatedAt: submitted.updatedAt, reason: reason, nextAttemptAt: waiting.min(),
            attempts: allAttempts,
            statuses: timeline.map { StatusEntry(code: $0.code, from: $0.organID, at: $0.at,
                                                 description: $0.description.isEmpty ? nil : $0.description) },
            deliveries: deliveries.map(delivery),
            recall: recall(submitted.recall, statusStates: statusStates))
    }

    private static func attempt(attempt: Attempt, to: String) -> DeliveryAttempt {
        DeliveryAttempt(at: attempt.startedAt, durationMs: Int(attempt.duration.map(milliseconds) ?? 0),
                        httpStatus: attempt.httpStatus, outcome: attempt.outcome.rawValue, reason: attempt.reasonCode,
                        to: to, detail: attempt.reason ?? attempt.transportError)
    }

    private static func delivery(_ message: OutboundMessage) -> RecipientDelivery {
        let waiting = [.queued, .retryWait].contains(message.state)
        return RecipientDelivery(to: message.destination, messageId: message.id, state: message.state.rawValue,
                                 attempts: message.attempts, updatedAt: message.stateChangedAt,
                                 nextAttemptAt: waiting ? message.dueAt : nil,
                                 reason: message.state == .delivered ? nil : message.lastReasonCode,
                                 detail: message.state == .delivered ? nil : message.lastReason)
    }

    private static func recall(_ entries: [RecallEntry], statusStates: [String: MessageState]) -> RecallSummary? {
        guard let first = entries.first else { return nil }
        return RecallSummary(at: first.at, reason: first.reason, recipients: entries.map { entry in
            RecallSummary.Recipient(to: entry.destination, action: entry.action.rawValue, statusMessageId: entry.statusMessageID,
                                    statusState: entry.statusMessageID.flatMap { statusStates[$0] }?.rawValue)
        })
    }

    private static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }
}
