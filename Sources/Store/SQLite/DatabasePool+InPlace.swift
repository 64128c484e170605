import GRDB

extension DatabasePool {
    /// A short read run on the calling thread. `try await pool.read` hands the closure to a
    /// reader's dispatch queue and resumes the task afterwards: two thread hand-offs (futex
    /// wake-ups, context switches) for a lookup that takes microseconds. GRDB's synchronous read
    /// runs it in place (a serial queue's `sync` executes on the caller's thread), in a WAL read
    /// transaction that never waits for the writer. Only for point lookups by key: a cooperative
    /// thread is held for the length of the read, so scans and listings stay on `read`.
    func readInPlace<T>(_ body: (Database) throws -> T) throws -> T {
        try read(body)
    }
}
