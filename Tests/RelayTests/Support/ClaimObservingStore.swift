import Foundation
import Store

/// The real store, with every claim's size and every read of the next due time reported to the
/// test: how a test knows the worker has finished a round and is waiting. Everything else passes
/// straight through.
struct ClaimObservingStore: MessageStore {
    let store: SQLiteStore
    let claims: Observations<Int>
    let dueTimeReads = Observations<Duration?>()

    init(_ store: SQLiteStore, claims: Observations<Int>) {
        self.store = store
        self.claims = claims
    }

    func claim(worker: String, limit: Int, leaseDuration: Duration) async throws -> [ClaimedMessage] {
        let claimed = try await store.claim(worker: worker, limit: limit, leaseDuration: leaseDuration)
        claims.append(claimed.count)
        return claimed
    }

    func enqueue(_ submission: OutboundSubmission) async throws -> EnqueueReceipt { try await store.enqueue(submission) }
    func timeUntilNextDue(dueSince: Duration) async throws -> Duration? {
        let untilDue = try await store.timeUntilNextDue(dueSince: dueSince)
        dueTimeReads.append(untilDue)
        return untilDue
    }
    func extend(_ lease: Lease, by duration: Duration) async throws -> Lease { try await store.extend(lease, by: duration) }
    func complete(_ lease: Lease, result: AttemptResult, duration: Duration) async throws -> MessageState {
        try await store.complete(lease, result: result, duration: duration)
    }
    func release(_ lease: Lease, reason: String) async throws { try await store.release(lease, reason: reason) }
    func envelope(ofMessage id: String) async throws -> Data { try await store.envelope(ofMessage: id) }
    func list(_ filter: MessageFilter) async throws -> [OutboundMessage] { try await store.list(filter) }
    func detail(ofMessage id: String) async throws -> MessageDetail { try await store.detail(ofMessage: id) }
    func stats() async throws -> QueueStats { try await store.stats() }
    func breakers() async throws -> [DestinationBreaker] { try await store.breakers() }
    func hold(_ ids: [String], actor: String, reason: String?) async throws -> OperatorOutcome {
        try await store.hold(ids, actor: actor, reason: reason)
    }
    func release(_ ids: [String], actor: String, reason: String?) async throws -> OperatorOutcome {
        try await store.release(ids, actor: actor, reason: reason)
    }
    func retry(_ selection: MessageSelection, actor: String, reason: String?) async throws -> OperatorOutcome {
        try await store.retry(selection, actor: actor, reason: reason)
    }
    func cancel(_ ids: [String], actor: String, reason: String) async throws -> OperatorOutcome {
        try await store.cancel(ids, actor: actor, reason: reason)
    }
    func purge(deliveredBefore: Date, actor: String) async throws -> PurgeOutcome {
        try await store.purge(deliveredBefore: deliveredBefore, actor: actor)
    }
    func recordStatus(_ event: StatusEvent) async throws { try await store.recordStatus(event) }
    func timeline(ofDocument documentID: String, sentBy sender: String) async throws -> [StatusEvent] {
        try await store.timeline(ofDocument: documentID, sentBy: sender)
    }
    func receive(_ submission: InboundSubmission) async throws -> InboundReceipt { try await store.receive(submission) }
    func inbox(after cursor: String?, limit: Int) async throws -> [InboundMessage] { try await store.inbox(after: cursor, limit: limit) }
    func acknowledgeInbound(_ id: String) async throws { try await store.acknowledgeInbound(id) }
    func collectBlobs(grace: Duration) async throws -> Int { try await store.collectBlobs(grace: grace) }
}
