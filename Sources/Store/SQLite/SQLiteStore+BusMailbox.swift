import Foundation
import GRDB

/// The bus role's mailbox: what waits on the bus for agencies that poll. A recipient's outbound
/// message (destination = its OrganId) is "delivered" by depositing it here; the recipient lists
/// it (`getReceivedEdocList`), fetches it (`getEdoc`) and acknowledges it (`updateStatus`).
extension SQLiteStore {
    /// Deposits the outbound message in its destination's mailbox. Depositing twice (a delivery
    /// retried after a lost lease) keeps the first deposit.
    public func depositInMailbox(messageID: String) async throws {
        let now = nowMillis()
        try await pool.write { db in
            // The row's columns go straight into the mailbox; no row means no such message.
            try db.cachedStatement(sql: """
                INSERT INTO bus_mailbox (message_id, recipient, sender, kind, document_id, blob_sha256, blob_size, state,
                    created_at, updated_at)
                SELECT id, destination, sender, kind, document_id, blob_sha256, blob_size, 'waiting', ?, ?
                FROM messages WHERE id = ?
                ON CONFLICT (message_id) DO NOTHING
                """).execute(arguments: [now, now, messageID])
            if db.changesCount == 0 {
                let exists = try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM messages WHERE id = ?"),
                                               arguments: [messageID]) != nil
                guard exists else { throw StoreError.notFound(messageID) }
            }
        }
    }

    /// What waits for `recipient` (waiting or processing), oldest first.
    public func mailbox(of recipient: String, kind: String?, limit: Int) async throws -> [BusMailboxEntry] {
        try await pool.read { db in
            try db.cachedStatement(sql: """
                SELECT \(BusMailboxEntry.columns) FROM bus_mailbox WHERE recipient = ? AND state IN ('waiting', 'processing')
                    AND (? IS NULL OR kind = ?) ORDER BY created_at, message_id LIMIT ?
                """).decodeAll(arguments: [recipient, kind, kind, max(0, limit)], BusMailboxEntry.init(row:))
        }
    }

    /// One entry of `recipient`'s mailbox, whatever its state; nil when it is not theirs.
    public func mailboxEntry(_ docId: String, of recipient: String) async throws -> BusMailboxEntry? {
        try await pool.read { db in
            try db.cachedStatement(sql: "SELECT \(BusMailboxEntry.columns) FROM bus_mailbox WHERE message_id = ? AND recipient = ?")
                .decodeFirst(arguments: [docId, recipient], BusMailboxEntry.init(row:))
        }
    }

    /// The envelope of a mailbox entry of `recipient`.
    public func mailboxEnvelope(_ docId: String, of recipient: String) async throws -> Data {
        let sha = try await pool.read { db in
            try String.fetchOne(db.cachedStatement(sql: "SELECT blob_sha256 FROM bus_mailbox WHERE message_id = ? AND recipient = ?"),
                                arguments: [docId, recipient])
        }
        guard let sha else { throw Self.notInMailbox(docId) }
        return try await readBlob(sha)
    }

    /// The recipient's transport acknowledgement. `done` and `fail` are final: a later
    /// `processing` does not bring an entry back.
    public func updateMailbox(_ docId: String, of recipient: String, to state: BusMailboxEntry.State) async throws {
        let now = nowMillis()
        try await pool.write { db in
            guard let current = try String.fetchOne(db.cachedStatement(sql: "SELECT state FROM bus_mailbox WHERE message_id = ? AND recipient = ?"),
                                                    arguments: [docId, recipient]) else {
                throw Self.notInMailbox(docId)
            }
            guard current != state.rawValue, current == "waiting" || current == "processing" else { return }
            try db.cachedStatement(sql: "UPDATE bus_mailbox SET state = ?, updated_at = ? WHERE message_id = ?")
                .execute(arguments: [state.rawValue, now, docId])
        }
    }

    /// Per recipient, where what `sender` sent is: the bus's delivery and, for polling
    /// recipients, the mailbox. Newest first.
    public func sentDocuments(of sender: String, limit: Int) async throws -> [BusSentRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT m.id, m.submission_id, m.document_id, m.destination, m.kind, m.state, m.last_reason_code,
                    m.last_reason, m.created_at, MAX(m.state_changed_at, COALESCE(b.updated_at, 0)) AS updated_at,
                    b.state AS mailbox_state
                FROM messages m LEFT JOIN bus_mailbox b ON b.message_id = m.id
                WHERE m.sender = ? ORDER BY m.created_at DESC, m.id DESC LIMIT ?
                """, arguments: [sender, max(0, limit)]).map { row in
                BusSentRecord(docId: row["id"], submissionID: row["submission_id"], documentID: row["document_id"],
                              recipient: row["destination"], kind: row["kind"],
                              queueState: MessageState(rawValue: row["state"]) ?? .queued,
                              mailboxState: (row["mailbox_state"] as String?).flatMap(BusMailboxEntry.State.init(rawValue:)),
                              lastReasonCode: row["last_reason_code"], lastReason: row["last_reason"],
                              createdAt: Date(storeMillis: row["created_at"]), updatedAt: Date(storeMillis: row["updated_at"]))
            }
        }
    }

    /// Entries their recipient acknowledged (`done` or `fail`) before `cutoff`; their blobs are
    /// then collected like any other.
    static func purgeAcknowledgedMailbox(before cutoff: Int64, db: Database) throws {
        try db.execute(sql: "DELETE FROM bus_mailbox WHERE state IN ('done', 'fail') AND updated_at < ?", arguments: [cutoff])
    }

    static func notInMailbox(_ docId: String) -> StoreError {
        StoreError("mailbox.not_found", "no document \(docId) waits for you on the bus")
    }

    /// The bus role's tables: the agency registry and the mailbox of polling agencies.
    static func addBusRole(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE agencies (
                organ_id TEXT PRIMARY KEY NOT NULL,
                name TEXT NOT NULL,
                parent TEXT,
                certificate_sha256 TEXT UNIQUE,
                system_id TEXT UNIQUE,
                hmac_secret TEXT,
                push_endpoint TEXT,
                state TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL
            );

            CREATE TABLE bus_mailbox (
                message_id TEXT PRIMARY KEY NOT NULL,
                recipient TEXT NOT NULL,
                sender TEXT NOT NULL,
                kind TEXT NOT NULL,
                document_id TEXT NOT NULL,
                blob_sha256 TEXT NOT NULL,
                blob_size INTEGER NOT NULL,
                state TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL
            );
            CREATE INDEX bus_mailbox_by_recipient ON bus_mailbox(recipient, state, created_at);
            """)
    }
}

extension SQLiteStore {
    /// The submission an idempotency key was first used for, with its messages; nil when unseen.
    public func submission(idempotencyKey key: String) async throws -> EnqueueReceipt? {
        try lookups.readSnapshot { db in
            guard let record = try Self.idempotencyRecord(db, key: key) else { return nil }
            return try Self.replayedReceipt(db, submissionID: record.submissionID)
        }
    }
}
