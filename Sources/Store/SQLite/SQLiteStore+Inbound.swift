import Foundation
import GRDB

extension SQLiteStore {
    public func receive(_ submission: InboundSubmission) async throws -> InboundReceipt {
        guard !submission.messageKey.isEmpty else {
            throw StoreError("inbox.key_missing", "an inbound document needs a message key for the duplicate check")
        }
        if let status = submission.status { try Self.checkStatus(status) }
        let now = nowMillis()
        if let seen = try await inboundID(forKey: submission.messageKey) { return .duplicate(id: seen) }
        let blob = try await prepareBlob(submission.envelope)
        let id = MessageID.make(at: Date(storeMillis: now))
        return try await pool.write { db in
            // Checked again inside the transaction: another receiver may have stored it meanwhile.
            if let seen = try String.fetchOne(db, sql: "SELECT id FROM inbound WHERE message_key = ?",
                                              arguments: [submission.messageKey]) {
                return .duplicate(id: seen)
            }
            // The recall first: a revoke envelope may carry the DocumentId it revokes and must not mark itself.
            if let recall = submission.recall {
                try db.execute(sql: """
                    UPDATE inbound SET recalled_at = COALESCE(recalled_at, ?), recall_reason = ?, acknowledged_at = NULL
                    WHERE document_id = ? AND sender = ? AND kind = 'edoc'
                    """, arguments: [now, recall.reason, recall.documentID, recall.sender])
            }
            try blob.insert(db, now: now)
            try db.execute(sql: """
                INSERT INTO inbound (id, message_key, document_id, sender, recipient, subject, kind, blob_sha256,
                    blob_size, received_at, verdict) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [id, submission.messageKey, submission.documentID, submission.from, submission.to,
                                 submission.subject, submission.kind, blob.sha256, blob.size, now, submission.verdict])
            if let status = submission.status {
                try Self.insertStatus(status, db: db)
            }
            return .stored(id: id)
        }
    }

    private func inboundID(forKey key: String) async throws -> String? {
        try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT id FROM inbound WHERE message_key = ?", arguments: [key])
        }
    }

    public func inbox(after cursor: String?, limit: Int) async throws -> [InboundMessage] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM inbound WHERE acknowledged_at IS NULL AND id > ? ORDER BY id LIMIT ?
                """, arguments: [cursor ?? "", max(0, limit)]).map(InboundMessage.init(row:))
        }
    }

    public func acknowledgeInbound(_ id: String) async throws {
        let now = nowMillis()
        try await pool.write { db in
            try db.execute(sql: "UPDATE inbound SET acknowledged_at = COALESCE(acknowledged_at, ?) WHERE id = ?",
                           arguments: [now, id])
            guard db.changesCount == 1 else { throw StoreError("inbox.not_found", "no inbound document has the id \(id)") }
        }
    }

    public func inboundMessage(key: String) async throws -> InboundMessage? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM inbound WHERE message_key = ?", arguments: [key]).map(InboundMessage.init(row:))
        }
    }
}

extension InboundMessage {
    init(row: Row) {
        id = row["id"]
        messageKey = row["message_key"]
        documentID = row["document_id"]
        from = row["sender"]
        to = row["recipient"]
        subject = row["subject"]
        kind = row["kind"]
        blobSHA256 = row["blob_sha256"]
        receivedAt = Date(storeMillis: row["received_at"])
        acknowledgedAt = (row["acknowledged_at"] as Int64?).map(Date.init(storeMillis:))
        verdict = row["verdict"] ?? "unchecked"
        recalledAt = (row["recalled_at"] as Int64?).map(Date.init(storeMillis:))
        recallReason = row["recall_reason"]
    }
}
