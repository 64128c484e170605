import Foundation
import GRDB

/// The inbox as units and operators see it: documents scoped to recipients, acknowledgement,
/// recall targets, and the refusals kept for the operator.
extension SQLiteStore {
    /// Documents (not statuses) for any of `recipients` not yet acknowledged, oldest first, after `cursor`.
    public func inbox(forRecipients recipients: [String], after cursor: String?, limit: Int) async throws -> [InboundMessage] {
        guard !recipients.isEmpty else { return [] }
        return try await pool.read { db in
            // One compiled statement per number of recipients (a unit's few OrganIds).
            try db.cachedStatement(sql: """
                SELECT \(InboundMessage.columns) FROM inbound WHERE kind = 'edoc' AND acknowledged_at IS NULL AND id > ?
                AND recipient IN (\(Self.placeholders(recipients.count))) ORDER BY id LIMIT ?
                """).decodeAll(arguments: StatementArguments([cursor ?? ""] + recipients + [max(0, limit)] as [any DatabaseValueConvertible]),
                               InboundMessage.init(row:))
        }
    }

    /// One inbox document, if it is addressed to one of `recipients`.
    public func inboundDocument(_ id: String, forRecipients recipients: [String]) async throws -> InboundMessage? {
        guard let message = try await inboundMessage(id), message.kind == "edoc", recipients.contains(message.to) else { return nil }
        return message
    }

    /// Marks the document taken; false when no document with that id is addressed to `recipients`.
    public func acknowledgeInbound(_ id: String, forRecipients recipients: [String]) async throws -> Bool {
        guard !recipients.isEmpty else { return false }
        let now = nowMillis()
        return try await pool.write { db in
            try db.cachedStatement(sql: """
                UPDATE inbound SET acknowledged_at = COALESCE(acknowledged_at, ?)
                WHERE id = ? AND kind = 'edoc' AND recipient IN (\(Self.placeholders(recipients.count)))
                """).execute(arguments: StatementArguments([now, id] + recipients as [any DatabaseValueConvertible]))
            return db.changesCount == 1
        }
    }

    /// Inbox documents with this DocumentId from this sender (what a recall names).
    public func inboundDocuments(documentID: String, sender: String) async throws -> [InboundMessage] {
        try await pool.read { db in
            try db.cachedStatement(sql: """
                SELECT \(InboundMessage.columns) FROM inbound WHERE document_id = ? AND sender = ? AND kind = 'edoc' ORDER BY id
                """).decodeAll(arguments: [documentID, sender], InboundMessage.init(row:))
        }
    }

    /// Every kept inbound message (documents and statuses), newest first; for operators.
    public func inboundMessages(after cursor: String?, limit: Int, includeAcknowledged: Bool) async throws -> [InboundMessage] {
        try await pool.read { db in
            try db.cachedStatement(sql: """
                SELECT \(InboundMessage.columns) FROM inbound WHERE (? = '' OR id < ?) \(includeAcknowledged ? "" : "AND acknowledged_at IS NULL")
                ORDER BY id DESC LIMIT ?
                """).decodeAll(arguments: [cursor ?? "", cursor ?? "", max(0, limit)], InboundMessage.init(row:))
        }
    }

    // MARK: Refusals

    /// Keeps a refused envelope (its blob first, then the row). The same bytes refused for the
    /// same reason again update that row (`times`, `last_seen_at`) and return its id.
    public func recordRefusal(_ refusal: RefusalSubmission) async throws -> RefusedInbound {
        let envelope = refusal.envelope
        let blob = try await prepareBlob(envelope)
        let sha = blob.sha256
        let now = nowMillis()
        let id = MessageID.make(at: Date(storeMillis: now))
        return try await pool.write { db in
            try blob.insert(db, now: now)
            try db.execute(sql: """
                INSERT INTO inbound_refusals (id, blob_sha256, blob_size, reason_code, reason, sender, document_id,
                    recipients, source, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (blob_sha256, reason_code) DO UPDATE SET times = times + 1, last_seen_at = excluded.last_seen_at,
                    source = excluded.source
                """, arguments: [id, sha, envelope.count, refusal.reasonCode, refusal.reason, refusal.sender, refusal.documentID,
                                 refusal.recipients.joined(separator: " "), refusal.source, now, now])
            let row = try Row.fetchOne(db, sql: "SELECT * FROM inbound_refusals WHERE blob_sha256 = ? AND reason_code = ?",
                                       arguments: [sha, refusal.reasonCode])
            guard let row else { throw StoreError("store.corrupt", "the refusal just written cannot be read back") }
            return RefusedInbound(row: row)
        }
    }

    public func noteRefusalStatus(_ refusalID: String, statusMessageID: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE inbound_refusals SET status_message_id = ? WHERE id = ?", arguments: [statusMessageID, refusalID])
        }
    }

    /// Kept refusals, most recently seen first.
    public func refusals(limit: Int) async throws -> [RefusedInbound] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM inbound_refusals ORDER BY last_seen_at DESC, id DESC LIMIT ?",
                             arguments: [max(0, limit)]).map(RefusedInbound.init(row:))
        }
    }

    public func refusal(_ id: String) async throws -> RefusedInbound? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM inbound_refusals WHERE id = ?", arguments: [id]).map(RefusedInbound.init(row:))
        }
    }

    /// The refused envelope exactly as it arrived.
    public func refusalEnvelope(_ id: String) async throws -> Data {
        guard let refusal = try await refusal(id) else { throw StoreError("inbox.not_found", "no refusal has the id \(id)") }
        return try await readBlob(refusal.blobSHA256)
    }

    private static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }
}

extension RefusedInbound {
    init(row: Row) {
        id = row["id"]
        blobSHA256 = row["blob_sha256"]
        size = row["blob_size"]
        reasonCode = row["reason_code"]
        reason = row["reason"]
        sender = row["sender"]
        documentID = row["document_id"]
        recipients = (row["recipients"] as String? ?? "").split(separator: " ").map(String.init)
        source = row["source"]
        statusMessageID = row["status_message_id"]
        firstSeenAt = Date(storeMillis: row["first_seen_at"])
        lastSeenAt = Date(storeMillis: row["last_seen_at"])
        times = row["times"]
    }
}
