import Foundation
import GRDB

/// The HMAC signatures the bus has accepted, each until its timestamp leaves the accepted
/// window. Kept in the store rather than in memory so that a replay right after a restart is
/// refused like any other (schema v11).
extension SQLiteStore {
    /// True when `signature` is new (it is then remembered until `expiry`); false when it was
    /// remembered before and has not expired: a replay. Expired signatures are forgotten here,
    /// each once, through the index on their expiry. Concurrent calls share a transaction.
    ///
    /// The commit is not synced on its own (like a claim): it becomes durable with the next
    /// synced commit, and only an operating-system crash before that forgets it.
    public func rememberSignature(_ signature: String, until expiry: Date, now: Date) async throws -> Bool {
        try await signatureRecorder.submit(SeenSignature(signature: signature, expiresAt: expiry.storeMillis, now: now.storeMillis))
    }

    static func remember(_ batch: [SeenSignature], pool: DatabasePool, sync: CommitSync) async -> [Result<Bool, any Error>] {
        do {
            return try await pool.writeTransaction(sync) { db in
                let now = batch.map(\.now).max() ?? 0
                try db.cachedStatement(sql: "DELETE FROM seen_signatures WHERE expires_at <= ?").execute(arguments: [now])
                let insert = try db.cachedStatement(sql: """
                    INSERT INTO seen_signatures (signature, expires_at) VALUES (?, ?) ON CONFLICT (signature) DO NOTHING
                    """)
                // A replay within the batch finds its twin inserted just before it.
                return try batch.map { seen in
                    try insert.execute(arguments: [seen.signature, seen.expiresAt])
                    return .success(db.changesCount == 1)
                }
            }
        } catch {
            let failure = StoreError("store.unavailable", "the seen signatures could not commit: \(error)")
            return batch.map { _ in .failure(failure) }
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

/// An accepted signature on its way into `seen_signatures`.
struct SeenSignature: Sendable {
    var signature: String
    var expiresAt: Int64
    var now: Int64
}
