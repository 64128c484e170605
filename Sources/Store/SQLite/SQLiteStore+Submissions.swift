import Foundation
import GRDB

/// The unit API's queries: submissions by unit, their deliveries and attempts, recalls.
extension SQLiteStore: SubmissionStore {
    static func addSubmissions(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE submissions (
                id TEXT PRIMARY KEY NOT NULL,
                unit TEXT NOT NULL,
                document_id TEXT NOT NULL,
                sender TEXT NOT NULL,
                subject TEXT NOT NULL,
                kind TEXT NOT NULL,
                reference TEXT NOT NULL,
                created_at INTEGER NOT NULL
            );
            CREATE INDEX submissions_by_unit ON submissions(unit, id);
            CREATE INDEX messages_by_submission ON messages(submission_id);

            CREATE TABLE recalls (
                submission_id TEXT NOT NULL,
                destination TEXT NOT NULL,
                action TEXT NOT NULL,
                status_message_id TEXT,
                reason TEXT NOT NULL,
                actor TEXT NOT NULL,
                at INTEGER NOT NULL,
                PRIMARY KEY (submission_id, destination)
            );
            """)
    }

    static func insertSubmitter(_ submitter: Submitter, submissionID: String, submission: OutboundSubmissionSummary,
                                now: Int64, db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO submissions (id, unit, document_id, sender, subject, kind, reference, created_at, recipients)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [submissionID, submitter.unit, submission.documentID, submission.from, submission.subject,
                             submission.kind, submitter.reference, now, submission.to.joined(separator: "\n")])
    }

    public func submission(id: String, unit: String) async throws -> SubmittedDocument? {
        try await pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM submissions WHERE id = ? AND unit = ?",
                                             arguments: [id, unit]) else { return nil }
            return try Self.submittedDocuments([row], db: db).first
        }
    }

    public func submissions(unit: String, state: MessageState?, before cursor: String?,
                            limit: Int) async throws -> [SubmittedDocument] {
        var arguments: [(any DatabaseValueConvertible)?] = [unit]
        var sql = "SELECT s.* FROM submissions s WHERE s.unit = ?"
        if let cursor {
            sql += " AND s.id < ?"
            arguments.append(cursor)
        }
        if let state {
            sql += " AND \(Self.overallStateSQL) = ?"
            arguments.append(state.rawValue)
        }
        sql += " ORDER BY s.id DESC LIMIT ?"
        arguments.append(max(0, limit))
        let (query, bound) = (sql, StatementArguments(arguments))
        return try await pool.read { db in
            try Self.submittedDocuments(try Row.fetchAll(db, sql: query, arguments: bound), db: db)
        }
    }

    /// `MessageState.overall(of:)` as SQL over the submission `s`'s messages.
    private static var overallStateSQL: String {
        let cases = MessageState.overallPrecedence.map { "WHEN SUM(m.state = '\($0.rawValue)') > 0 THEN '\($0.rawValue)'" }
        return "(SELECT CASE \(cases.joined(separator: " ")) ELSE 'delivered' END FROM messages m WHERE m.submission_id = s.id)"
    }

    public func idempotencyRecord(forKey key: String) async throws -> IdempotencyRecord? {
        try lookups.readOneStatement { db in try Self.idempotencyRecord(db, key: key) }
    }

    static func idempotencyRecord(_ db: Database, key: String) throws -> IdempotencyRecord? {
        try db.cachedStatement(sql: "SELECT submission_id, fingerprint FROM idempotency_keys WHERE key = ?")
            .decodeFirst(arguments: [key]) { IdempotencyRecord(submissionID: $0[0], fingerprint: $0[1]) }
    }

    /// The answer to a replayed idempotency key: the messages its first submission queued.
    static func replayedReceipt(_ db: Database, submissionID: String) throws -> EnqueueReceipt {
        let messages = try db.cachedStatement(sql: "SELECT id, destination FROM messages WHERE submission_id = ? ORDER BY id")
            .decodeAll(arguments: [submissionID]) { EnqueueReceipt.Delivery(messageID: $0[0], destination: $0[1]) }
        return EnqueueReceipt(submissionID: submissionID, messages: messages, replayed: true)
    }

    public func attempts(ofMessages ids: [String]) async throws -> [String: [Attempt]] {
        guard !ids.isEmpty else { return [:] }
        let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ", ")
        return try await pool.read { db in
            var attempts: [String: [Attempt]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM attempts WHERE message_id IN (\(placeholders)) ORDER BY message_id, number",
                                        arguments: StatementArguments(ids)) {
                attempts[row["message_id"], default: []].append(Attempt(row: row))
            }
            return attempts
        }
    }

    public func recordRecall(_ entries: [RecallEntry], submissionID: String) async throws {
        try await pool.write { db in
            for entry in entries {
                try db.execute(sql: """
                    INSERT OR IGNORE INTO recalls (submission_id, destination, action, status_message_id, reason, actor, at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [submissionID, entry.destination, entry.action.rawValue, entry.statusMessageID,
                                     entry.reason, entry.actor, entry.at.storeMillis])
            }
        }
    }

    /// The rows of `submissions` with their deliveries and recall entries, in the rows' order.
    private static func submittedDocuments(_ rows: [Row], db: Database) throws -> [SubmittedDocument] {
        guard !rows.isEmpty else { return [] }
        let ids: [String] = rows.map { $0["id"] }
        let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ", ")
        var deliveries: [String: [OutboundMessage]] = [:]
        // rowid is the insertion order: the recipients' order (ids made in one millisecond are not ordered).
        let statement = try db.makeStatement(sql: """
            SELECT \(OutboundMessage.columns) FROM messages WHERE submission_id IN (\(placeholders)) ORDER BY rowid
            """)
        for message in try statement.decodeAll(arguments: StatementArguments(ids), OutboundMessage.init(row:)) {
            deliveries[message.submissionID, default: []].append(message)
        }
        var recalls: [String: [RecallEntry]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT * FROM recalls WHERE submission_id IN (\(placeholders)) ORDER BY at, destination",
                                    arguments: StatementArguments(ids)) {
            recalls[row["submission_id"], default: []].append(RecallEntry(
                destination: row["destination"], action: RecallEntry.Action(rawValue: row["action"]) ?? .statusQueued,
                statusMessageID: row["status_message_id"], reason: row["reason"], actor: row["actor"],
                at: Date(storeMillis: row["at"])))
        }
        return rows.map { row in
            let id: String = row["id"]
            let recipients: String = row["recipients"]
            return SubmittedDocument(id: id, unit: row["unit"], documentID: row["document_id"], from: row["sender"],
                                     subject: row["subject"], kind: row["kind"], reference: row["reference"],
                                     createdAt: Date(storeMillis: row["created_at"]),
                                     recipients: recipients.split(separator: "\n").map(String.init),
                                     deliveries: deliveries[id] ?? [], recall: recalls[id] ?? [])
        }
    }
}
