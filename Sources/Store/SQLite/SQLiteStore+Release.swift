import Foundation
import GRDB

extension SQLiteStore {
    public func release(_ lease: Lease, reason: String) async throws {
        let now = nowMillis()
        try await pool.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM messages WHERE id = ?", arguments: [lease.messageID]) else {
                throw StoreError.notFound(lease.messageID)
            }
            guard try Transition.state(of: row) == .sending, row["lease_token"] == lease.token else {
                throw StoreError.leaseLost(lease.messageID)
            }
            let leaseExpiry: Int64? = row["due_at"]
            let budgetAttempts: Int = row["budget_attempts"]
            try db.execute(sql: """
                UPDATE attempts SET outcome = 'released', reason_code = 'queue.released', reason = ?, duration_ms = ?
                WHERE message_id = ? AND number = ? AND outcome = 'in_flight'
                """, arguments: [reason, now - lease.startedAt.storeMillis, lease.messageID, lease.attemptNumber])
            try Transition.move(db, id: lease.messageID, from: .sending, to: .queued, at: now, reasonCode: "queue.released",
                                detail: reason, actor: lease.worker,
                                setting: ["lease_token": nil, "lease_owner": nil, "due_at": now,
                                          "budget_attempts": max(0, budgetAttempts - 1)])
            // A released probe must not keep its destination half-open until the old lease's
            // expiry: the next claim may send a new probe at once.
            try db.execute(sql: """
                UPDATE destinations SET probe_expires_at = ?
                WHERE destination = ? AND breaker = 'half_open' AND probe_expires_at = ?
                """, arguments: [now, row["destination"] as String, leaseExpiry])
        }
    }
}
