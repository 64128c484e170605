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

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try queue.read(body)
    }
}
