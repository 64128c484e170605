import Foundation
import GRDB

extension SQLiteStore {
    public func receive(_ submission: InboundSubmission) async throws -> InboundReceipt {
        guard !submission.messageKey.isEmpty else {
            throw StoreError("inbox.key_missing", "an inbound document needs a message key for the duplicate check")
        }
        let now = nowMillis()
        if let seen = try await inboundID(forKey: submission.messageKey) { return .duplicate(id: seen) }
        let blobs = self.blobs
        let envelope = submission.envelope
        let sha = try await offloaded { try blobs.write(envelope) }
        let id = MessageID.make(at: Date(storeMillis: now))
        return try await pool.write { db in
            // Checked again inside the transaction: another receiver may have stored it meanwhile.
            if let seen = try String.fetchOne(db, sql: "SELECT id FROM inbound WHERE message_key = ?",
                                              arguments: [submission.messageKey]) {
                return .duplicate(id: seen)
            }
            try db.execute(sql: """
                INSERT INTO inbound (id, message_key, document_id, sender, recipient, subject, kind, blob_sha256,
                    blob_size, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [id, submission.messageKey, submission.documentID, submission.from, submission.to,
                                 submission.subject, submission.kind, sha, envelope.count, now])
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
    }
}
