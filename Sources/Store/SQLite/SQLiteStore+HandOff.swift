import Foundation
import GRDB

/// A message of a submission as its enqueue writes it: queued, or, when the enqueue hands it to
/// a worker (`HandOff`), already leased to that worker.
struct QueuedMessage {
    var id: String
    var submissionID: String
    var submission: OutboundSubmissionSummary
    var blob: PreparedBlob
    var destination: String
    var now: Int64

    func insertQueued(_ db: Database) throws {
        try insert(db, state: .queued, dueAt: now)
        try recordEnqueued(db)
    }

    /// Inserts the message leased to `worker`, with the history and attempt row a claim writes:
    /// one insert where a claim after the enqueue read the row back and moved it, which rewrote
    /// its entries in all three partial indexes of open messages.
    func insertSending(_ db: Database, lease: Lease) throws {
        try insert(db, state: .sending, dueAt: lease.expiresAt.storeMillis, attempts: 1,
                   leaseToken: lease.token, leaseOwner: lease.worker)
        try recordEnqueued(db)
        try Transition.record(db, id: id, from: .queued, to: .sending, at: now, reasonCode: "queue.claimed",
                              detail: Transition.claimDetail(attempt: lease.attemptNumber, worker: lease.worker),
                              actor: lease.worker)
        try SQLiteStore.beginAttempt(db, of: lease)
    }

    /// The row as `insertSending` leaves it.
    func sending(under lease: Lease) -> OutboundMessage {
        OutboundMessage(id: id, submissionID: submissionID, documentID: submission.documentID, from: submission.from,
                        destination: destination, subject: submission.subject, kind: submission.kind,
                        blobSHA256: blob.sha256, blobSize: blob.size, state: .sending, attempts: 1,
                        createdAt: Date(storeMillis: now), stateChangedAt: Date(storeMillis: now),
                        dueAt: lease.expiresAt, leaseOwner: lease.worker, lastReasonCode: nil, lastReason: nil)
    }

    // Cached statements: a group commit runs these many times in one transaction.
    private func insert(_ db: Database, state: MessageState, dueAt: Int64, attempts: Int = 0,
                        leaseToken: String? = nil, leaseOwner: String? = nil) throws {
        try db.cachedStatement(sql: """
            INSERT INTO messages (id, submission_id, document_id, sender, destination, subject, kind,
                blob_sha256, blob_size, state, attempts, budget_attempts, created_at, age_origin, state_changed_at,
                due_at, lease_token, lease_owner)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [id, submissionID, submission.documentID, submission.from, destination,
                                     submission.subject, submission.kind, blob.sha256, blob.size, state.rawValue,
                                     attempts, attempts, now, now, now, dueAt, leaseToken, leaseOwner])
    }

    private func recordEnqueued(_ db: Database) throws {
        try Transition.record(db, id: id, from: nil, to: .queued, at: now, reasonCode: "queue.enqueued", actor: "store")
    }
}

/// An enqueue's hand-off in progress: leases the submission's messages to the worker, up to its
/// free slots, as the worker's own claim would, except where the destination's circuit is not
/// closed: those stay queued for a claim, which applies the breaker (a pause, or the one probe).
struct HandingOff {
    private let handOff: HandOff
    private let gate: BreakerGate
    private var given = 0

    init(_ handOff: HandOff, db: Database, now: Int64) throws {
        self.handOff = handOff
        gate = try BreakerGate(db: db, now: now)
    }

    /// The message inserted as leased to the worker, or nil when it is to be queued instead (no
    /// free slot, a circuit not closed, or a retry policy that allows no attempt at all, which
    /// the claim ends as `dead`).
    mutating func claim(_ message: QueuedMessage, policy: RetryPolicy, db: Database) throws -> ClaimedMessage? {
        guard given < handOff.limit, gate.isClosed(message.destination),
              SQLiteStore.exhausted(policy, budgetAttempts: 0, ageOrigin: message.now, now: message.now) == nil else {
            return nil
        }
        let lease = Lease.starting(messageID: message.id, worker: handOff.worker, attemptNumber: 1, at: message.now,
                                   for: handOff.leaseDuration)
        try message.insertSending(db, lease: lease)
        given += 1
        return ClaimedMessage(lease: lease, message: message.sending(under: lease), isProbe: false)
    }
}
