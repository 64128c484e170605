import Foundation
import GRDB

/// Who each document this store sent was sent to, kept apart from the queue so that it outlives
/// `queue purge` (schema v13): by sender and DocumentId in `document_recipients`, and for a
/// unit's submission in its `submissions` row too (one OrganId per line), so a recall still
/// reaches a recipient whose delivery was purged. A status about a document is its recipients'
/// to give (EDXML.md: 01–06, 15 and 16 are sent by the recipient): the gateway and the bus check
/// a status's sender against this record, so an agency cannot write into the timeline of a
/// document it never got.
extension SQLiteStore {
    static func addDocumentRecipients(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE document_recipients (
                sender TEXT NOT NULL,
                document_id TEXT NOT NULL,
                recipient TEXT NOT NULL,
                recorded_at INTEGER NOT NULL,
                PRIMARY KEY (sender, document_id, recipient)
            ) WITHOUT ROWID;
            INSERT OR IGNORE INTO document_recipients (sender, document_id, recipient, recorded_at)
                SELECT sender, document_id, destination, 0 FROM messages WHERE kind = 'edoc';

            -- What the queue still holds of a submission: its deliveries purged before v13 are not known.
            ALTER TABLE submissions ADD COLUMN recipients TEXT NOT NULL DEFAULT '';
            UPDATE submissions SET recipients = COALESCE(
                (SELECT group_concat(destination, char(10)) FROM messages WHERE submission_id = submissions.id), '');
            """)
    }

    /// Adds a document's destinations to its record, in the enqueue's transaction (the first
    /// time each was sent it stays). Statuses, recalls and webhook copies are not documents and
    /// leave no record.
    static func recordRecipients(of submission: OutboundSubmissionSummary, now: Int64, db: Database) throws {
        guard submission.kind == "edoc" else { return }
        let statement = try db.cachedStatement(sql: """
            INSERT INTO document_recipients (sender, document_id, recipient, recorded_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING
            """)
        for recipient in submission.to {
            try statement.execute(arguments: [submission.from, submission.documentID, recipient, now])
        }
    }

    /// Every OrganId the document (`documentID` as `sender` sent it) was ever queued for, in
    /// every submission of it; empty when that cannot be told: this store never sent such a
    /// document, or sent it before v13. Rows the migration took from the queue (`recorded_at`
    /// 0) miss every delivery `queue purge` had removed, so a document with one is unknown.
    public func recipients(ofDocument documentID: String, sentBy sender: String) throws -> Set<String> {
        try lookups.readOneStatement { db in
            let rows = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT recipient, recorded_at FROM document_recipients WHERE sender = ? AND document_id = ?
                """), arguments: [sender, documentID])
            if rows.contains(where: { ($0["recorded_at"] as Int64) == 0 }) { return [] }
            return Set(rows.map { $0["recipient"] as String })
        }
    }
}
