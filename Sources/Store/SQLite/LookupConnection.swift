import Foundation
import GRDB

/// A read-only connection of its own for point lookups by key, run on the calling thread.
///
/// `try await pool.read` hands the closure to a reader's dispatch queue and resumes the task
/// afterwards: two thread hand-offs (futex wake-ups, context switches) for a lookup that takes
/// microseconds, and on the hot paths they were a quarter of the CPU per document. A lookup here
/// runs in place, in a WAL read transaction that never waits for the writer.
///
/// It must not borrow one of the pool's readers: a task blocked waiting for a free reader holds
/// a cooperative thread, while the readers are held by `await pool.read` calls that need a
/// cooperative thread to finish, so with every cooperative thread waiting, nothing finishes (a
/// deadlock seen with 1 MB documents). This connection is only ever used synchronously, so
/// whoever holds it is running and lets go within the lookup. Scans and listings stay on the pool.
final class LookupConnection: Sendable {
    private let queue: DatabaseQueue

    init(path: String) throws {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        queue = try DatabaseQueue(path: path, configuration: configuration)
    }

    /// Runs `body`, which must execute exactly one statement: SQLite gives a statement in
    /// autocommit mode a read transaction of its own, so it sees one snapshot. (GRDB's `read`
    /// would add a savepoint around it, parsing `BEGIN` and `COMMIT` anew on every lookup.)
    func readOneStatement<T>(_ body: (Database) throws -> T) throws -> T {
        try queue.inDatabase(body)
    }

    /// Runs `body`'s several statements in one read transaction, so they see one snapshot.
    func readSnapshot<T>(_ body: (Database) throws -> T) throws -> T {
        try queue.inDatabase { db in
            try db.cachedStatement(sql: "BEGIN DEFERRED").execute()
            defer { try? db.cachedStatement(sql: "COMMIT").execute() }
            return try body(db)
        }
    }
}
