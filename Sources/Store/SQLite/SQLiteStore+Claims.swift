import Foundation
import GRDB

extension SQLiteStore {
    public func claim(worker: String, limit: Int, leaseDuration: Duration) async throws -> [ClaimedMessage] {
        guard limit > 0 else { return [] }
        let (policy, clock) = (self.policy, self.clock)
        return try await write(mustSync: false) { db in
            let now = clock.now().storeMillis
            var gate = try BreakerGate(db: db, now: now)
            var claimed: [ClaimedMessage] = []
            for due in try Self.dueMessages(db, now: now, limit: limit, excluding: gate.blocked) {
                guard claimed.count < limit else { break }
                let destination = due.message.destination
                guard gate.admits(destination) else { continue }
                if let claim = try Self.claimOne(due, db: db, now: now, worker: worker, leaseDuration: leaseDuration,
                                                 policy: policy.retry(for: destination)) {
                    let isProbe = try gate.admitted(destination, probeUntil: claim.lease.expiresAt.storeMillis, db: db)
                    claimed.append(ClaimedMessage(lease: claim.lease, message: claim.message, isProbe: isProbe))
                }
            }
            return claimed
        }
    }

    public func timeUntilNextDue(dueSince: Duration) async throws -> Duration? {
        let now = nowMillis()
        let since = now - max(0, dueSince.millis) - 1
        let next = try await pool.read { db in
            // One seek per state in the partial index (state, due_at).
            let statement = try db.cachedStatement(sql: """
                SELECT MIN(due_at) FROM messages WHERE state = ? AND \(OpenMessageIndexes.condition) AND due_at > ?
                """)
            return try [MessageState.queued, .retryWait, .sending].compactMap { state in
                try Int64.fetchOne(statement, arguments: [state.rawValue, since])
            }.min()
        }
        return next.map { .milliseconds($0 - now) }
    }

    /// A due message as a claim reads it: the message and what its retry policy is checked with.
    private struct DueMessage {
        var message: OutboundMessage
        var dueAt: Int64
        var budgetAttempts: Int
        var ageOrigin: Int64

        static let columns = "\(OutboundMessage.columns), due_at, budget_attempts, age_origin"

        init(row: Row) throws {
            let extra = OutboundMessage.columnCount
            message = try OutboundMessage(row: row)
            dueAt = row[extra]
            budgetAttempts = row[extra + 1]
            ageOrigin = row[extra + 2]
        }
    }

    /// Expired leases first, then retries and new messages, oldest due first.
    private static func dueMessages(_ db: Database, now: Int64, limit: Int, excluding blocked: Set<String>) throws -> [DueMessage] {
        // One compiled statement per number of blocked destinations (a handful).
        let statement = try db.cachedStatement(sql: dueSQL(excludingDestinations: blocked.count))
        func due(_ state: MessageState) throws -> [DueMessage] {
            var values: [any DatabaseValueConvertible] = [state.rawValue, now]
            values.append(contentsOf: blocked.map { $0 as any DatabaseValueConvertible })
            values.append(limit * 2)
            return try statement.decodeAll(arguments: StatementArguments(values), DueMessage.init(row:))
        }
        let expired = try due(.sending)
        let waiting = try (due(.retryWait) + due(.queued)).sorted { $0.dueAt < $1.dueAt }
        return expired + waiting
    }

    /// Due messages of one state (bound first), due by a time, with `excludingDestinations`
    /// destinations left out, oldest due first: read through the partial index `messages_open_due`.
    static func dueSQL(excludingDestinations count: Int) -> String {
        let exclusion = count == 0 ? "" : "AND destination NOT IN (\(Array(repeating: "?", count: count).joined(separator: ", ")))"
        return """
            SELECT \(DueMessage.columns) FROM messages
            WHERE state = ? AND \(OpenMessageIndexes.condition) AND due_at <= ? \(exclusion) ORDER BY due_at LIMIT ?
            """
    }

    /// Leases one due message, or ends it as `dead` when its policy ran out while it waited.
    /// The message returned is the row as the claim leaves it (built here, not read again).
    private static func claimOne(_ due: DueMessage, db: Database, now: Int64, worker: String, leaseDuration: Duration,
                                 policy: RetryPolicy) throws -> (lease: Lease, message: OutboundMessage)? {
        var message = due.message
        let id = message.id
        var state = message.state
        let attempts = message.attempts
        if state == .sending {
            try db.cachedStatement(sql: """
                UPDATE attempts SET outcome = 'lease_expired', reason_code = 'queue.lease_expired',
                    reason = 'the worker did not report before its lease expired'
                WHERE message_id = ? AND number = ? AND outcome = 'in_flight'
                """).execute(arguments: [id, attempts])
            try Transition.move(db, id: id, from: .sending, to: .queued, at: now, reasonCode: "queue.lease_expired",
                                detail: "lease of \(message.leaseOwner ?? "?") expired", actor: "store",
                                setting: ["lease_token": nil, "lease_owner": nil, "due_at": now])
            state = .queued
        }
        if let (code, reason) = exhausted(policy, budgetAttempts: due.budgetAttempts, ageOrigin: due.ageOrigin, now: now) {
            try Transition.move(db, id: id, from: state, to: .dead, at: now, reasonCode: code, detail: reason, actor: "store",
                                setting: ["due_at": nil, "last_reason_code": code, "last_reason": reason])
            return nil
        }
        let lease = Lease.starting(messageID: id, worker: worker, attemptNumber: attempts + 1, at: now, for: leaseDuration)
        try Transition.move(db, id: id, from: state, to: .sending, at: now, reasonCode: "queue.claimed",
                            detail: Transition.claimDetail(attempt: lease.attemptNumber, worker: worker), actor: worker,
                            setting: ["lease_token": lease.token, "lease_owner": worker, "due_at": lease.expiresAt.storeMillis,
                                      "attempts": lease.attemptNumber, "budget_attempts": due.budgetAttempts + 1])
        try beginAttempt(db, of: lease)
        message.state = .sending
        message.attempts = lease.attemptNumber
        message.stateChangedAt = Date(storeMillis: now)
        message.dueAt = lease.expiresAt
        message.leaseOwner = worker
        return (lease, message)
    }

    /// The attempt row of a new lease, in flight until its report.
    static func beginAttempt(_ db: Database, of lease: Lease) throws {
        try db.cachedStatement(sql: """
            INSERT INTO attempts (message_id, number, worker, started_at, outcome) VALUES (?, ?, ?, ?, 'in_flight')
            """).execute(arguments: [lease.messageID, lease.attemptNumber, lease.worker, lease.startedAt.storeMillis])
    }

    /// Why a message may not be tried again under `policy`, or nil when it may.
    static func exhausted(_ policy: RetryPolicy, budgetAttempts: Int, ageOrigin: Int64, now: Int64) -> (String, String)? {
        if budgetAttempts >= policy.maxAttempts {
            return ("queue.attempts_exhausted", "gave up after \(budgetAttempts) attempts, the policy's maximum")
        }
        if now - ageOrigin >= policy.maxAge.millis {
            return ("queue.max_age", "gave up: older than the policy's maximum age of \(policy.maxAge)")
        }
        return nil
    }

    public func extend(_ lease: Lease, by duration: Duration) async throws -> Lease {
        let now = nowMillis()
        let expires = now + duration.millis
        try await pool.write { db in
            try db.cachedStatement(sql: "UPDATE messages SET due_at = ? WHERE id = ? AND state = 'sending' AND lease_token = ?")
                .execute(arguments: [expires, lease.messageID, lease.token])
            guard db.changesCount == 1 else { throw StoreError.leaseLost(lease.messageID) }
            try db.cachedStatement(sql: """
                UPDATE destinations SET probe_expires_at = ?
                WHERE breaker = 'half_open' AND destination = (SELECT destination FROM messages WHERE id = ?)
                """).execute(arguments: [expires, lease.messageID])
        }
        var extended = lease
        extended.expiresAt = Date(storeMillis: expires)
        return extended
    }
}
