import GRDB

/// Schema v10: the indexes on `messages` hold only messages not yet delivered, and of the
/// counts `queue stats` reads only deliveries are kept by a trigger; the other states are
/// counted from those indexes.
///
/// Why: nearly every message ends delivered and is never looked up through these indexes again,
/// yet with full indexes each of its three state changes rewrote an entry in all three of them
/// and two count rows, which in an exchange of two gateways and a bus came to a fifth of the
/// statements SQLite ran and about 5 % of the CPU. Now delivering a message removes its index
/// entries and adds one to one count. Counting the undelivered states reads the partial index,
/// so its cost grows with the backlog, not with the history.
enum OpenMessageIndexes {
    /// The partial indexes' condition. SQLite uses a partial index only for a query whose WHERE
    /// clause holds this exact term, so each query meant for them appends it (see `term(for:)`).
    static let condition = "state <> 'delivered'"

    /// `AND` the condition, for a query on `state`: empty for `delivered`, which no index holds.
    static func term(for state: MessageState) -> String {
        state == .delivered ? "" : " AND \(condition)"
    }

    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            DROP TRIGGER messages_counted_on_insert;
            DROP TRIGGER messages_counted_on_state;
            DROP TRIGGER messages_counted_on_delete;
            DROP INDEX messages_by_state;
            DROP INDEX messages_by_destination;
            DROP INDEX messages_due;
            CREATE INDEX messages_open_by_state ON messages(state, created_at) WHERE \(condition);
            CREATE INDEX messages_open_by_destination ON messages(destination, state, created_at) WHERE \(condition);
            CREATE INDEX messages_open_due ON messages(state, due_at) WHERE \(condition);

            DROP TABLE queue_counts;
            CREATE TABLE delivered_counts (
                destination TEXT PRIMARY KEY NOT NULL,
                count INTEGER NOT NULL
            );
            INSERT INTO delivered_counts (destination, count)
                SELECT destination, COUNT(*) FROM messages WHERE state = 'delivered' GROUP BY destination;
            CREATE TRIGGER messages_delivered_counted_on_state AFTER UPDATE OF state ON messages
                WHEN NEW.state = 'delivered' AND OLD.state <> 'delivered' BEGIN
                INSERT INTO delivered_counts (destination, count) VALUES (NEW.destination, 1)
                    ON CONFLICT (destination) DO UPDATE SET count = count + 1;
            END;
            CREATE TRIGGER messages_delivered_counted_on_insert AFTER INSERT ON messages
                WHEN NEW.state = 'delivered' BEGIN
                INSERT INTO delivered_counts (destination, count) VALUES (NEW.destination, 1)
                    ON CONFLICT (destination) DO UPDATE SET count = count + 1;
            END;
            CREATE TRIGGER messages_delivered_uncounted_on_delete AFTER DELETE ON messages
                WHEN OLD.state = 'delivered' BEGIN
                UPDATE delivered_counts SET count = count - 1 WHERE destination = OLD.destination;
            END;
            """)
    }

    /// Messages per destination and state: the undelivered from the partial index, the
    /// delivered from their count.
    static func counts(_ db: Database) throws -> [(destination: String, state: MessageState, count: Int)] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT destination, state, COUNT(*) AS count FROM messages WHERE \(condition) GROUP BY destination, state
            UNION ALL
            SELECT destination, 'delivered', count FROM delivered_counts WHERE count > 0
            """)
        return try rows.map { row in
            (destination: row["destination"], state: try Transition.state(of: row), count: row["count"])
        }
    }
}
