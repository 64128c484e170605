import Foundation
import GRDB

/// An inbound document whose envelope is ready (a durable file or bytes for the transaction),
/// waiting for its row to commit.
struct PreparedInbound: Sendable {
    var submission: InboundSubmission
    var blob: PreparedBlob
    var id: String
    var now: Int64
    /// The follow-up, its idempotency key still to be completed with the row's id.
    var followUp: (prepared: PreparedSubmission, keyPrefix: String)?
}

extension SQLiteStore {
    public func receive(_ submission: InboundSubmission) async throws -> InboundReceipt {
        guard !submission.messageKey.isEmpty else {
            throw StoreError("inbox.key_missing", "an inbound document needs a message key for the duplicate check")
        }
        if let status = submission.status { try Self.checkStatus(status) }
        let now = nowMillis()
        // A duplicate of a large envelope is recognised before its blob is written and synced as
        // a file. A small one costs nothing to prepare, and the check inside the transaction
        // recognises it anyway, so the first arrival of a small document reads nothing here.
        if submission.envelope.count > options.inlineBlobLimit, let seen = try inboundID(forKey: submission.messageKey) {
            return .duplicate(id: seen)
        }
        let blob = try await prepareBlob(submission.envelope)
        let id = MessageID.make(at: Date(storeMillis: now))
        var followUp: (PreparedSubmission, String)?
        if let next = submission.followUp {
            followUp = (try await prepare(next.submission), next.idempotencyKeyPrefix)
        }
        let prepared = PreparedInbound(submission: submission, blob: blob, id: id, now: now, followUp: followUp)
        let policy = self.policy
        let receipt = try await write(mustSync: true) { db in try Self.store(prepared, policy: policy, db: db) }
        if case .stored(_, let queued?) = receipt, let envelope = submission.followUp?.submission.envelope {
            keepUnread(envelope, of: queued)
        }
        return receipt
    }

    private static func store(_ prepared: PreparedInbound, policy: QueuePolicy, db: Database) throws -> InboundReceipt {
        let submission = prepared.submission
        let now = prepared.now
        // Checked again inside the transaction: another receiver (or an earlier item of this
        // batch) may have stored it meanwhile.
        if let seen = try inboundID(db, key: submission.messageKey) {
            return .duplicate(id: seen)
        }
        // The recall first: a revoke envelope may carry the DocumentId it revokes and must not mark itself.
        if let recall = submission.recall {
            try db.cachedStatement(sql: """
                UPDATE inbound SET recalled_at = COALESCE(recalled_at, ?), recall_reason = ?, acknowledged_at = NULL
                WHERE document_id = ? AND sender = ? AND kind = 'edoc'
                """).execute(arguments: [now, recall.reason, recall.documentID, recall.sender])
        }
        try prepared.blob.insert(db, now: now)
        let id = try commitOrderedID(db, proposed: prepared.id)
        try db.cachedStatement(sql: """
            INSERT INTO inbound (id, message_key, document_id, sender, recipient, subject, kind, blob_sha256,
                blob_size, received_at, verdict) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [id, submission.messageKey, submission.documentID, submission.from,
                                     submission.to, submission.subject, submission.kind, prepared.blob.sha256,
                                     prepared.blob.size, now, submission.verdict])
        if let status = submission.status {
            try insertStatus(status, db: db)
        }
        guard let pending = prepared.followUp else { return .stored(id: id) }
        var followUp = pending.prepared
        followUp.submission.idempotencyKey = pending.keyPrefix + id
        return .stored(id: id, followUp: try insert(followUp, now: now, policy: policy, db: db))
    }

    /// Inbox ids grow in commit order (the writer is serial), so a unit that pages the inbox
    /// with `after` never steps past a document that commits later: the id made when the receive
    /// began could be older than one a faster receive already committed.
    private static func commitOrderedID(_ db: Database, proposed: String) throws -> String {
        guard let last = try String.fetchOne(db.cachedStatement(sql: "SELECT MAX(id) FROM inbound")), last >= proposed else {
            return proposed
        }
        return MessageID.successor(of: last)
    }

    private func inboundID(forKey key: String) throws -> String? {
        try lookups.readOneStatement { db in try Self.inboundID(db, key: key) }
    }

    private static func inboundID(_ db: Database, key: String) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT id FROM inbound WHERE message_key = ?"), arguments: [key])
    }

    public func inbox(after cursor: String?, limit: Int) async throws -> [InboundMessage] {
        try await pool.read { db in
            try db.cachedStatement(sql: """
                SELECT \(InboundMessage.columns) FROM inbound WHERE acknowledged_at IS NULL AND id > ? ORDER BY id LIMIT ?
                """).decodeAll(arguments: [cursor ?? "", max(0, limit)], InboundMessage.init(row:))
        }
    }

    public func acknowledgeInbound(_ id: String) async throws {
        let now = nowMillis()
        try await pool.write { db in
            try db.cachedStatement(sql: "UPDATE inbound SET acknowledged_at = COALESCE(acknowledged_at, ?) WHERE id = ?")
                .execute(arguments: [now, id])
            guard db.changesCount == 1 else { throw StoreError("inbox.not_found", "no inbound document has the id \(id)") }
        }
    }

    public func inboundMessage(key: String) async throws -> InboundMessage? {
        try await pool.read { db in
            try db.cachedStatement(sql: "SELECT \(InboundMessage.columns) FROM inbound WHERE message_key = ?")
                .decodeFirst(arguments: [key], InboundMessage.init(row:))
        }
    }
}
