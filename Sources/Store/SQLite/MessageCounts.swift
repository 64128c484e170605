import GRDB

/// Messages per destination and state for `queue stats`, without counting rows and without a
/// count update at every step of a delivery (schema v10).
///
/// A message passes through `queued` and `sending` quickly and in great numbers, and rests in
/// the other states. Triggers keep a total per destination (one update when a message is
/// queued, one when it is purged) and a count per destination for each resting state (one
/// update when a delivery ends). The passing states are worked out at read time: `sending` is
/// counted from the partial index (it is bounded by the transfers in flight), and `queued` is
/// what the total leaves. So a delivery costs two count updates instead of five, and `queue
/// stats` stays a few reads with a backlog of a million.
enum MessageCounts {
    /// The states counted by the triggers.
    static let resting: [MessageState] = MessageState.allCases.filter { $0 != .queued && $0 != .sending }

    private static var restingList: String { resting.map { "'\($0.rawValue)'" }.joined(separator: ", ") }

    static func create(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE message_totals (
                destination TEXT PRIMARY KEY NOT NULL,
                count INTEGER NOT NULL
            );
            CREATE TABLE resting_counts (
                destination TEXT NOT NULL,
                state TEXT NOT NULL,
                count INTEGER NOT NULL,
                PRIMARY KEY (destination, state)
            );
            INSERT INTO message_totals (destination, count)
                SELECT destination, COUNT(*) FROM messages GROUP BY destination;
            INSERT INTO resting_counts (destination, state, count)
                SELECT destination, state, COUNT(*) FROM messages WHERE state IN (\(restingList)) GROUP BY destination, state;

            CREATE TRIGGER messages_totalled_on_insert AFTER INSERT ON messages BEGIN
                INSERT INTO message_totals (destination, count) VALUES (NEW.destination, 1)
                    ON CONFLICT (destination) DO UPDATE SET count = count + 1;
            END;
            CREATE TRIGGER messages_totalled_on_delete AFTER DELETE ON messages BEGIN
                UPDATE message_totals SET count = count - 1 WHERE destination = OLD.destination;
            END;
            CREATE TRIGGER messages_resting_on_insert AFTER INSERT ON messages
                WHEN NEW.state IN (\(restingList)) BEGIN
                INSERT INTO resting_counts (destination, state, count) VALUES (NEW.destination, NEW.state, 1)
                    ON CONFLICT (destination, state) DO UPDATE SET count = count + 1;
            END;
            CREATE TRIGGER messages_resting_on_arrival AFTER UPDATE OF state ON messages
                WHEN OLD.state <> NEW.state AND NEW.state IN (\(restingList)) BEGIN
                INSERT INTO resting_counts (destination, state, count) VALUES (NEW.destination, NEW.state, 1)
                    ON CONFLICT (destination, state) DO UPDATE SET count = count + 1;
            END;
            CREATE TRIGGER messages_resting_on_departure AFTER UPDATE OF state ON messages
                WHEN OLD.state <> NEW.state AND OLD.state IN (\(restingList)) BEGIN
                UPDATE resting_counts SET count = count - 1 WHERE destination = OLD.destination AND state = OLD.state;
            END;
            CREATE TRIGGER messages_resting_on_delete AFTER DELETE ON messages
                WHEN OLD.state IN (\(restingList)) BEGIN
                UPDATE resting_counts SET count = count - 1 WHERE destination = OLD.destination AND state = OLD.state;
            END;
            """)
    }

    /// Messages per destination and state; states with none are left out.
    static func counts(_ db: Database) throws -> [String: [MessageState: Int]] {
        var counts: [String: [MessageState: Int]] = [:]
        var totals: [String: Int] = [:]
        for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT destination, count FROM message_totals")) {
            totals[row[0]] = row[1]
        }
        for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT destination, state, count FROM resting_counts WHERE count > 0")) {
            counts[row[0], default: [:]][try Transition.state(row[1], ofMessage: "?")] = row[2]
        }
        // INDEXED BY: a scan of the other partial index would visit every undelivered message.
        for row in try Row.fetchAll(db.cachedStatement(sql: """
            SELECT destination, COUNT(*) FROM messages INDEXED BY messages_open_by_state
            WHERE state = 'sending' AND \(OpenMessageIndexes.condition) GROUP BY destination
            """)) {
            counts[row[0], default: [:]][.sending] = row[1]
        }
        for (destination, total) in totals {
            let queued = total - (counts[destination]?.values.reduce(0, +) ?? 0)
            if queued > 0 { counts[destination, default: [:]][.queued] = queued }
        }
        return counts
    }
}
