import Foundation
import GRDB
import LibCrypto

/// A blob on its way into the store: small ones travel inside the transaction that names them
/// (one WAL sync makes blob and row durable together), large ones are already a synced file.
struct PreparedBlob: Sendable {
    let sha256: String
    let size: Int
    /// The bytes, for a blob kept in the database; nil when it is a file.
    let inline: Data?

    /// Inserts an inline blob inside the caller's transaction (kept once per digest).
    func insert(_ db: Database, now: Int64) throws {
        guard let inline else { return }
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO inline_blobs (sha256, data, created_at) VALUES (?, ?, ?)")
            .execute(arguments: [sha256, inline, now])
    }
}

extension SQLiteStore {
    /// Envelopes up to `StoreOptions.inlineBlobLimit` bytes are kept in the database; larger ones
    /// are written and synced as files first (BlobStore), so their row never names a partial file.
    func prepareBlob(_ data: Data) async throws -> PreparedBlob {
        if data.count <= options.inlineBlobLimit {
            return PreparedBlob(sha256: SHA256Hasher.hexDigest(data), size: data.count, inline: data)
        }
        let blobs = self.blobs
        return PreparedBlob(sha256: try await offloaded { try blobs.write(data) }, size: data.count, inline: nil)
    }

    /// A blob's bytes, from the database or its file.
    func readBlob(_ sha256: String) async throws -> Data {
        if let data = try await pool.read({ db in
            try Data.fetchOne(db.cachedStatement(sql: "SELECT data FROM inline_blobs WHERE sha256 = ?"), arguments: [sha256])
        }) {
            return data
        }
        let blobs = self.blobs
        return try await offloaded { try blobs.read(sha256) }
    }

    /// The SQL naming every blob a row refers to.
    static let referencedBlobsSQL = """
        SELECT blob_sha256 FROM messages UNION SELECT blob_sha256 FROM inbound
        UNION SELECT blob_sha256 FROM inbound_refusals UNION SELECT blob_sha256 FROM bus_mailbox
        """

    /// Removes inline blobs no row names. No grace period is needed: an inline blob and the row
    /// naming it commit in one transaction.
    func collectInlineBlobs() async throws -> Int {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM inline_blobs WHERE sha256 NOT IN (\(Self.referencedBlobsSQL))")
            return db.changesCount
        }
    }

    static func addInlineBlobs(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE inline_blobs (
                sha256 TEXT PRIMARY KEY NOT NULL,
                data BLOB NOT NULL,
                created_at INTEGER NOT NULL
            ) WITHOUT ROWID;
            """)
    }

    /// v7 kept the bytes in a b-tree ordered by digest: every insert landed on a random leaf
    /// holding a few kilobyte-sized cells (read back from disk, often split, written whole to the
    /// WAL). Rows now go at the end of the table, in arrival order; only the small digest index
    /// takes random inserts.
    static func appendInlineBlobs(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE inline_blobs_appended (
                id INTEGER PRIMARY KEY,
                sha256 TEXT NOT NULL UNIQUE,
                data BLOB NOT NULL,
                created_at INTEGER NOT NULL
            );
            INSERT INTO inline_blobs_appended (sha256, data, created_at)
                SELECT sha256, data, created_at FROM inline_blobs ORDER BY created_at;
            DROP TABLE inline_blobs;
            ALTER TABLE inline_blobs_appended RENAME TO inline_blobs;
            """)
    }
}
