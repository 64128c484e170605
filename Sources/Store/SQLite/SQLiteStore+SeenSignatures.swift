import Foundation
import GRDB

/// The HMAC signatures the bus has accepted, each until its timestamp leaves the accepted
/// window. Kept in the store rather than in memory so that a replay right after a restart is
/// refused like any other (schema v11).
extension SQLiteStore {
    /// True when `signature` is new (it is then remembered until `expiry`); false when it was
    /// remembered before and has not expired: a replay. Expired signatures are forgotten here,
    /// each once, through the index on their expiry. Concurrent calls share a transaction, and a
    /// replay within it finds its twin inserted just before it.
    ///
    /// The commit is not synced on its own (like a claim): it becomes durable with the next
    /// synced commit, and only an operating-system crash before that forgets it.
    public func rememberSignature(_ signature: String, until expiry: Date, now: Date) async throws -> Bool {
        let (expiresAt, now) = (expiry.storeMillis, now.storeMillis)
        return try await write(mustSync: false) { db in
            try db.cachedStatement(sql: "DELETE FROM seen_signatures WHERE expires_at <= ?").execute(arguments: [now])
            try db.cachedStatement(sql: """
                INSERT INTO seen_signatures (signature, expires_at) VALUES (?, ?) ON CONFLICT (signature) DO NOTHING
                """).execute(arguments: [signature, expiresAt])
            return db.changesCount == 1
        }
    }

    static func addSeenSignatures(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE seen_signatures (
                signature TEXT PRIMARY KEY NOT NULL,
                expires_at INTEGER NOT NULL
            ) WITHOUT ROWID;
            CREATE INDEX seen_signatures_by_expiry ON seen_signatures(expires_at);
            """)
    }
}
