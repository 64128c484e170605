import Foundation

/// The durable outbox, inbox and their history. SQLite (`SQLiteStore`) is the embedded
/// implementation; a PostgreSQL one will satisfy the same protocol, so nothing here assumes one
/// process: claims are leases with an expiry, never in-process locks.
public protocol MessageStore: Sendable {
    // MARK: Outbound
    /// Stores the envelope and queues one message per destination; durable when it returns.
    func enqueue(_ submission: OutboundSubmission) async throws -> EnqueueReceipt
    /// Leases up to `limit` due messages to `worker` for `leaseDuration`; destinations whose
    /// circuit is open are skipped, one probe at a time is let through when their pause ends.
    func claim(worker: String, limit: Int, leaseDuration: Duration) async throws -> [ClaimedMessage]
    /// How long until the next waiting message falls due (a retry's backoff, a lease's
    /// expiry), by the store's clock; nil when none is waiting for a time. A worker that found
    /// nothing to claim sleeps that long rather than until its next poll. `dueSince` is how long
    /// ago that claim began: a message that fell due since then is counted (its time is zero or
    /// less, so the worker claims again at once), one due before it is not (the claim saw it and
    /// could not take it, its breaker being open, say, and counting it would spin the worker).
    func timeUntilNextDue(dueSince: Duration) async throws -> Duration?
    /// Pushes the expiry of a lease still held further out (`queue.lease_lost` if it is not).
    func extend(_ lease: Lease, by duration: Duration) async throws -> Lease
    /// Records the attempt and moves the message on (delivered, retry_wait or dead).
    @discardableResult
    func complete(_ lease: Lease, result: AttemptResult, duration: Duration) async throws -> MessageState
    /// Gives a leased message back to the queue unfinished (the worker is stopping): it is due at
    /// once and the attempt is not counted against its policy (`queue.lease_lost` if not held).
    func release(_ lease: Lease, reason: String) async throws
    func envelope(ofMessage id: String) async throws -> Data

    // MARK: Operators
    func list(_ filter: MessageFilter) async throws -> [OutboundMessage]
    func detail(ofMessage id: String) async throws -> MessageDetail
    func stats() async throws -> QueueStats
    func breakers() async throws -> [DestinationBreaker]
    func hold(_ ids: [String], actor: String, reason: String?) async throws -> OperatorOutcome
    func release(_ ids: [String], actor: String, reason: String?) async throws -> OperatorOutcome
    func retry(_ selection: MessageSelection, actor: String, reason: String?) async throws -> OperatorOutcome
    func cancel(_ ids: [String], actor: String, reason: String) async throws -> OperatorOutcome
    func purge(deliveredBefore: Date, actor: String) async throws -> PurgeOutcome

    // MARK: Statuses and inbound
    func recordStatus(_ event: StatusEvent) async throws
    func timeline(ofDocument documentID: String, sentBy sender: String) async throws -> [StatusEvent]
    /// Stores an inbound document unless its message key was seen (the duplicate check).
    func receive(_ submission: InboundSubmission) async throws -> InboundReceipt
    func inbox(after cursor: String?, limit: Int) async throws -> [InboundMessage]
    func acknowledgeInbound(_ id: String) async throws

    // MARK: Blobs
    /// Removes blob files no row names that are older than `grace` (a younger one may belong to
    /// an enqueue whose row has not committed yet). Returns how many were removed.
    func collectBlobs(grace: Duration) async throws -> Int
}
