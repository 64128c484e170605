import Foundation
import GRDB
import SQLiteWAL
import Testing
import TestSupport
@testable import Store

/// The VFS shim that writes a WAL transaction's frames with one call: it must be the default for
/// every store, write fewer calls than frames, keep transactions over the unix VFS's 128 KiB
/// single-write limit whole, and leave a commit visible to another connection at once.
/// Serialized: the counts are the process's.
@Suite(.serialized) struct WALWriteCombiningTests {
    @Test func aTransactionsFramesAreWrittenWithFewCalls() throws {
        #expect(WALWriteCombining.installed, "the shim is installed over the unix VFS")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let writer = try DatabasePool(path: directory.file("w.sqlite").path)
        try writer.write { db in try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB NOT NULL)") }

        let before = WALWriteCombining.counts
        // 80 rows of 4 KiB in one transaction: some 100 frames, over 400 KiB, so several of the
        // unix VFS's writes (it takes at most 128 KiB - 1 at a time).
        let body = Data((0..<4096).map { UInt8($0 % 251) })
        try writer.write { db in
            for id in 1...80 { try db.execute(sql: "INSERT INTO t (id, body) VALUES (?, ?)", arguments: [id, body]) }
        }
        let after = WALWriteCombining.counts
        let frames = after.frames - before.frames
        let calls = after.writeCalls - before.writeCalls
        #expect(frames >= 80, "every page of the transaction went through the shim: \(frames)")
        #expect(calls * 10 <= frames, "\(calls) write calls for \(frames) frames")

        // Another connection, opened afresh, sees the whole commit at once.
        let reader = try DatabaseQueue(path: directory.file("w.sqlite").path)
        let (count, bytes) = try reader.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM t") ?? 0,
             try Int.fetchOne(db, sql: "SELECT sum(length(body)) FROM t") ?? 0)
        }
        #expect(count == 80)
        #expect(bytes == 80 * 4096)
        let last = try reader.read { db in try Data.fetchOne(db, sql: "SELECT body FROM t WHERE id = 80") }
        #expect(last == body)
    }

    /// A transaction whose frames come to exactly 128 KiB was a zero-byte write for the unix VFS
    /// (SQLITE_FULL) before the shim cut its writes into pieces; many sizes around it commit.
    @Test func transactionsOfEverySizeAroundTheSingleWriteLimitCommit() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let pool = try DatabasePool(path: directory.file("s.sqlite").path)
        try pool.write { db in try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB NOT NULL)") }
        var expected = 0
        for rows in 20...45 {
            try pool.write { db in
                for _ in 0..<rows {
                    try db.execute(sql: "INSERT INTO t (body) VALUES (?)", arguments: [Data(repeating: 7, count: 4000)])
                }
            }
            expected += rows
            let count = try pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM t") }
            #expect(count == expected)
        }
    }
}
