import GRDB

/// The store's schema, one migration per version, applied in order at start-up. A migration once
/// released never changes; a new version adds a new one.
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-messages", migrate: createMessages)
        migrator.registerMigration("v2-breakers-and-counts", migrate: addBreakersAndCounts)
        migrator.registerMigration("v3-operator-accounts", migrate: SQLiteStore.addOperatorAccounts)
        migrator.registerMigration("v4-outbound-submissions", migrate: SQLiteStore.addSubmissions)
        migrator.registerMigration("v5-inbound-verdicts-and-refusals", migrate: SQLiteStore.addInboundVerdictsAndRefusals)
        migrator.registerMigration("v6-busrole-agencies", migrate: SQLiteStore.addBusRole)
        migrator.registerMigration("v7-inline-blobs", migrate: SQLiteStore.addInlineBlobs)
        migrator.registerMigration("v8-inline-blobs-appended", migrate: SQLiteStore.appendInlineBlobs)
        migrator.registerMigration("v9-agency-registry-version", migrate: AgencyRegistryCache.addVersion)
        migrator.registerMigration("v10-open-message-indexes", migrate: OpenMessageIndexes.migrate)
        migrator.registerMigration("v11-seen-signatures", migrate: SQLiteStore.addSeenSignatures)
        migrator.registerMigration("v12-status-document-sender", migrate: addStatusDocumentSender)
        migrator.registerMigration("v13-document-recipients", migrate: SQLiteStore.addDocumentRecipients)
        return migrator
    }

    static let latestVersion = "v13-document-recipients"

    /// A status names its document by sender and DocumentId (see `StatusEvent`); rows from before
    /// keep an empty sender.
    private static func addStatusDocumentSender(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE statuses ADD COLUMN document_sender TEXT NOT NULL DEFAULT '';
            DROP INDEX statuses_by_document;
            CREATE INDEX statuses_by_document ON statuses(document_id, document_sender, at);
            """)
    }

    private static func createMessages(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE messages (
                id TEXT PRIMARY KEY NOT NULL,
                submission_id TEXT NOT NULL,
                document_id TEXT NOT NULL,
                sender TEXT NOT NULL,
                destination TEXT NOT NULL,
                subject TEXT NOT NULL,
                kind TEXT NOT NULL,
                blob_sha256 TEXT NOT NULL,
                blob_size INTEGER NOT NULL,
                state TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                budget_attempts INTEGER NOT NULL DEFAULT 0,
                created_at INTEGER NOT NULL,
                age_origin INTEGER NOT NULL,
                state_changed_at INTEGER NOT NULL,
                due_at INTEGER,
                lease_token TEXT,
                lease_owner TEXT,
                last_reason_code TEXT,
                last_reason TEXT
            );
            CREATE INDEX messages_by_state ON messages(state, created_at);
            CREATE INDEX messages_by_destination ON messages(destination, state, created_at);
            CREATE INDEX messages_due ON messages(state, due_at);

            CREATE TABLE attempts (
                id INTEGER PRIMARY KEY,
                message_id TEXT NOT NULL,
                number INTEGER NOT NULL,
                worker TEXT NOT NULL,
                started_at INTEGER NOT NULL,
                duration_ms INTEGER,
                http_status INTEGER,
                transport_error TEXT,
                reason_code TEXT,
                reason TEXT,
                outcome TEXT NOT NULL
            );
            CREATE INDEX attempts_by_message ON attempts(message_id, number);

            CREATE TABLE state_changes (
                id INTEGER PRIMARY KEY,
                message_id TEXT NOT NULL,
                at INTEGER NOT NULL,
                from_state TEXT,
                to_state TEXT NOT NULL,
                reason_code TEXT,
                detail TEXT,
                actor TEXT NOT NULL
            );
            CREATE INDEX state_changes_by_message ON state_changes(message_id, id);

            CREATE TABLE statuses (
                id INTEGER PRIMARY KEY,
                document_id TEXT NOT NULL,
                code TEXT NOT NULL,
                organ_id TEXT NOT NULL,
                description TEXT NOT NULL,
                at INTEGER NOT NULL
            );
            CREATE INDEX statuses_by_document ON statuses(document_id, at);

            CREATE TABLE idempotency_keys (
                key TEXT PRIMARY KEY NOT NULL,
                fingerprint TEXT NOT NULL,
                submission_id TEXT NOT NULL,
                created_at INTEGER NOT NULL
            );

            CREATE TABLE operator_actions (
                id INTEGER PRIMARY KEY,
                at INTEGER NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                message_id TEXT,
                reason TEXT,
                result TEXT NOT NULL
            );
            CREATE INDEX operator_actions_by_message ON operator_actions(message_id);

            CREATE TABLE inbound (
                id TEXT PRIMARY KEY NOT NULL,
                message_key TEXT NOT NULL UNIQUE,
                document_id TEXT NOT NULL,
                sender TEXT NOT NULL,
                recipient TEXT NOT NULL,
                subject TEXT NOT NULL,
                kind TEXT NOT NULL,
                blob_sha256 TEXT NOT NULL,
                blob_size INTEGER NOT NULL,
                received_at INTEGER NOT NULL,
                acknowledged_at INTEGER
            );
            """)
    }

    /// Breaker state per destination, and message counts per destination and state kept by
    /// triggers so `queue stats` reads a few rows instead of counting a million.
    private static func addBreakersAndCounts(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE destinations (
                destination TEXT PRIMARY KEY NOT NULL,
                breaker TEXT NOT NULL DEFAULT 'closed',
                consecutive_failures INTEGER NOT NULL DEFAULT 0,
                opened_at INTEGER,
                retry_at INTEGER,
                probe_expires_at INTEGER
            );

            CREATE TABLE queue_counts (
                destination TEXT NOT NULL,
                state TEXT NOT NULL,
                count INTEGER NOT NULL,
                PRIMARY KEY (destination, state)
            );
            INSERT INTO queue_counts (destination, state, count)
                SELECT destination, state, COUNT(*) FROM messages GROUP BY destination, state;

            CREATE TRIGGER messages_counted_on_insert AFTER INSERT ON messages BEGIN
                INSERT INTO queue_counts (destination, state, count) VALUES (NEW.destination, NEW.state, 1)
                    ON CONFLICT (destination, state) DO UPDATE SET count = count + 1;
            END;
            CREATE TRIGGER messages_counted_on_state AFTER UPDATE OF state ON messages
                WHEN OLD.state <> NEW.state BEGIN
                UPDATE queue_counts SET count = count - 1
                    WHERE destination = OLD.destination AND state = OLD.state;
                INSERT INTO queue_counts (destination, state, count) VALUES (NEW.destination, NEW.state, 1)
                    ON CONFLICT (destination, state) DO UPDATE SET count = count + 1;
            END;
            CREATE TRIGGER messages_counted_on_delete AFTER DELETE ON messages BEGIN
                UPDATE queue_counts SET count = count - 1
                    WHERE destination = OLD.destination AND state = OLD.state;
            END;
            """)
    }
}
