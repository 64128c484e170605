import Foundation
import GRDB

extension SQLiteStore {
    public func claim(worker: String, limit: Int, leaseDuration: Duration) async throws -> [ClaimedMessage] {
        guard limit > 0 else { return [] }
        let policy = self.policy
        let now = nowMillis()
        return try await pool.write { db in
            var gate = try BreakerGate(db: db, now: now)
            var claimed: [ClaimedMessage] = []
            for row in try Self.dueMessages(db, now: now, limit: limit, excluding: gate.blocked) {
                guard claimed.count < limit else { break }
                let destination: String = row["destination"]
                guard gate.admits(destination) else { continue }
                if let claim = try Self.claimOne(row, db: db, now: now, worker: worker, leaseDuration: leaseDuration,
                                                 policy: policy.retry(for: destination)) {
                    let isProbe = try gate.admitted(destination, probeUntil: claim.lease.expiresAt.storeMillis, db: db)
                    claimed.append(ClaimedMessage(lease: claim.lease, message: claim.message, isProbe: isProbe))
                }
            }
            return claimed
        }
    }

    /// Expired leases first, then retries and new messages, oldest due first.
    private static func dueMessages(_ db: Database, now: Int64, limit: Int, excluding blocked: Set<String>) throws -> [Row] {
        let exclusion = blocked.isEmpty ? "" : "AND destination NOT IN (\(blocked.map { _ in "?" }.joined(separator: ", ")))"
        let sql = "SELECT * FROM messages WHERE state = ? AND due_at <= ? \(exclusion) ORDER BY due_at LIMIT ?"
        func due(_ state: MessageState) throws -> [Row] {
            var values: [any DatabaseValueConvertible] = [state.rawValue, now]
            values.append(contentsOf: blocked.map { $0 as any DatabaseValueConvertible })
            values.append(limit * 2)
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(values))
        }
        let expired = try due(.sending)
        let waiting = try (due(.retryWait) + due(.queued)).sorted { ($0["due_at"] as Int64) < ($1["due_at"] as Int64) }
        return expired + waiting
    }

    /// Leases one due message, or ends it as `dead` when its policy ran out while it waited.
    private static func claimOne(_ row: Row, db: Database, now: Int64, worker: String, leaseDuration: Duration,
                                 policy: RetryPolicy) throws -> (lease: Lease, message: OutboundMessage)? {
        let id: String = row["id"]
        var state = try Transition.state(of: row)
        let attempts: Int = row["attempts"]
        if state == .sending {
            try db.execute(sql: """
                UPDATE attempts SET outcome = 'lease_expired', reason_code = 'queue.lease_expired',
                    reason = 'the worker did not report before its lease expired'
                WHERE message_id = ? AND number = ? AND outcome = 'in_flight'
                """, arguments: [id, attempts])
            try Transition.move(db, id: id, from: .sending, to: .queued, at: now, reasonCode: "queue.lease_expired",
                                detail: "lease of \(row["lease_owner"] as String? ?? "?") expired", actor: "store",
                                setting: ["lease_token": nil, "lease_owner": nil, "due_at": now])
            state = .queued
        }
        let budgetAttempts: Int = row["budget_attempts"]
        let ageOrigin: Int64 = row["age_origin"]
        if let (code, reason) = exhausted(policy, budgetAttempts: budgetAttempts, ageOrigin: ageOrigin, now: now) {
            try Transition.move(db, id: id, from: state, to: .dead, at: now, reasonCode: code, detail: reason, actor: "store",
                                setting: ["due_at": nil, "last_reason_code": code, "last_reason": reason])
            return nil
        }
        let token = UUID().uuidString
        let expires = now + leaseDuration.millis
        try Transition.move(db, id: id, from: state, to: .sending, at: now, reasonCode: "queue.claimed",
                            detail: "attempt \(attempts + 1) by \(worker)", actor: worker,
                            setting: ["lease_token": token, "lease_owner": worker, "due_at": expires,
                                      "attempts": attempts + 1, "budget_attempts": budgetAttempts + 1])
        try db.execute(sql: """
            INSERT INTO attempts (message_id, number, worker, started_at, outcome) VALUES (?, ?, ?, ?, 'in_flight')
            """, arguments: [id, attempts + 1, worker, now])
        guard let fresh = try Row.fetchOne(db, sql: "SELECT * FROM messages WHERE id = ?", arguments: [id]) else {
            throw StoreError.notFound(id)
        }
        let lease = Lease(messageID: id, token: token, worker: worker, attemptNumber: attempts + 1,
                          startedAt: Date(storeMillis: now), expiresAt: Date(storeMillis: expires))
        return (lease, try OutboundMessage(row: fresh))
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
            try db.execute(sql: "UPDATE messages SET due_at = ? WHERE id = ? AND state = 'sending' AND lease_token = ?",
                           arguments: [expires, lease.messageID, lease.token])
            guard db.changesCount == 1 else { throw StoreError.leaseLost(lease.messageID) }
            try db.execute(sql: """
                UPDATE destinations SET probe_expires_at = ?
                WHERE breaker = 'half_open' AND destination = (SELECT destination FROM messages WHERE id = ?)
                """, arguments: [expires, lease.messageID])
        }
        var extended = lease
        extended.expiresAt = Date(storeMillis: expires)
        return extended
    }
}
