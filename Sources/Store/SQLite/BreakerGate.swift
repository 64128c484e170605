import GRDB

/// The circuit breakers as a claim sees them: destinations that are paused (skipped without
/// spending attempts) and destinations whose pause ended and may send one probe.
struct BreakerGate {
    private(set) var blocked: Set<String> = []
    private var probeable: Set<String> = []

    init(db: Database, now: Int64) throws {
        let paused = try db.cachedStatement(sql: """
            SELECT destination, breaker, retry_at, probe_expires_at FROM destinations WHERE breaker <> 'closed'
            """).decodeAll { row -> (destination: String, until: Int64?) in
            (row[0], row[1] == "open" ? row[2] : row[3])
        }
        for (destination, until) in paused {
            if let until, until > now { blocked.insert(destination) } else { probeable.insert(destination) }
        }
    }

    func admits(_ destination: String) -> Bool { !blocked.contains(destination) }

    /// Neither paused nor waiting for its probe: a claim takes any number of its messages.
    func isClosed(_ destination: String) -> Bool { !blocked.contains(destination) && !probeable.contains(destination) }

    /// Marks a claim for `destination`; when it is the probe, the circuit goes half-open and no
    /// other message of that destination is let through until the probe reports or its lease ends.
    mutating func admitted(_ destination: String, probeUntil: Int64, db: Database) throws -> Bool {
        guard probeable.remove(destination) != nil else { return false }
        try db.cachedStatement(sql: "UPDATE destinations SET breaker = 'half_open', probe_expires_at = ? WHERE destination = ?")
            .execute(arguments: [probeUntil, destination])
        blocked.insert(destination)
        return true
    }

    /// A destination answered: its circuit closes.
    static func recordSuccess(_ db: Database, destination: String) throws {
        try db.cachedStatement(sql: """
            UPDATE destinations SET breaker = 'closed', consecutive_failures = 0, opened_at = NULL,
                retry_at = NULL, probe_expires_at = NULL
            WHERE destination = ? AND (breaker <> 'closed' OR consecutive_failures <> 0)
            """).execute(arguments: [destination])
    }

    /// A destination failed to answer: count it, and open the circuit at the threshold or when
    /// the probe failed.
    static func recordFailure(_ db: Database, destination: String, now: Int64, policy: BreakerPolicy) throws {
        try db.cachedStatement(sql: """
            INSERT INTO destinations (destination, consecutive_failures) VALUES (?, 1)
            ON CONFLICT (destination) DO UPDATE SET consecutive_failures = consecutive_failures + 1
            """).execute(arguments: [destination])
        try db.cachedStatement(sql: """
            UPDATE destinations SET breaker = 'open', opened_at = ?, retry_at = ?, probe_expires_at = NULL
            WHERE destination = ? AND (breaker = 'half_open' OR (breaker = 'closed' AND consecutive_failures >= ?))
            """).execute(arguments: [now, now + policy.openDuration.millis, destination, policy.failureThreshold])
    }
}
