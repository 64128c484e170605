import GRDB

extension SQLiteStore {
    /// The inbound pipeline's columns and table: the signature verdict and the recall mark of each
    /// inbox row, and the refusals kept for the operator (one row per distinct envelope and
    /// reason, counting how often it came; its blob is kept like any other).
    static func addInboundVerdictsAndRefusals(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE inbound ADD COLUMN verdict TEXT NOT NULL DEFAULT 'unchecked';
            ALTER TABLE inbound ADD COLUMN recalled_at INTEGER;
            ALTER TABLE inbound ADD COLUMN recall_reason TEXT;
            CREATE INDEX inbound_by_recipient ON inbound(recipient, kind, acknowledged_at, id);
            CREATE INDEX inbound_by_document ON inbound(document_id, sender);

            CREATE TABLE inbound_refusals (
                id TEXT PRIMARY KEY NOT NULL,
                blob_sha256 TEXT NOT NULL,
                blob_size INTEGER NOT NULL,
                reason_code TEXT NOT NULL,
                reason TEXT NOT NULL,
                sender TEXT,
                document_id TEXT,
                recipients TEXT NOT NULL DEFAULT '',
                source TEXT NOT NULL,
                status_message_id TEXT,
                first_seen_at INTEGER NOT NULL,
                last_seen_at INTEGER NOT NULL,
                times INTEGER NOT NULL DEFAULT 1,
                UNIQUE (blob_sha256, reason_code)
            );
            CREATE INDEX inbound_refusals_by_time ON inbound_refusals(last_seen_at);
            """)
    }
}
