import GRDB

/// Schema v10: the indexes on `messages` hold only messages not yet delivered, and the counts
/// `queue stats` reads are kept by triggers only for the states a message rests in
/// (`MessageCounts`).
///
/// Why: nearly every message ends delivered and is never looked up through these indexes again,
/// yet with full indexes each of its three state changes rewrote an entry in all three of them
/// and two count rows, which in an exchange of two gateways and a bus came to a fifth of the
/// statements SQLite ran and about 5 % of the CPU.
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
            DROP TABLE queue_counts;
            DROP INDEX messages_by_state;
            DROP INDEX messages_by_destination;
            DROP INDEX messages_due;
            CREATE INDEX messages_open_by_state ON messages(state, created_at) WHERE \(condition);
            CREATE INDEX messages_open_by_destination ON messages(destination, state, created_at) WHERE \(condition);
            CREATE INDEX messages_open_due ON messages(state, due_at) WHERE \(condition);
            """)
        try MessageCounts.create(db)
    }
}
