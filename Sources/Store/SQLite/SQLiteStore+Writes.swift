import GRDB

/// One hot-path write waiting for the store's next group commit: a submission, an inbound
/// arrival, a claim, a delivery's report or a seen signature.
struct StoreWrite: Sendable {
    /// Whether the commit holding it must reach the disk before it returns: what is acknowledged
    /// to a peer (a submission, an arrival). Claims, reports and seen signatures may wait for
    /// the next synced commit (see `CommitSync.deferred`).
    let mustSync: Bool
    let run: @Sendable (Database) throws -> any Sendable
}

extension SQLiteStore {
    /// Runs `body` in the store's next group commit. Every kind of hot-path write shares the one
    /// group commit (`writes`), so a submission, the reports of the deliveries that just ended
    /// and a worker's next claim go in one transaction instead of one each: per document the
    /// three stores committed 2.7 transactions when each kind had its own.
    func write<T: Sendable>(mustSync: Bool, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let output = try await writes.submit(StoreWrite(mustSync: mustSync, run: body))
        guard let typed = output as? T else {
            throw StoreError("store.internal", "a write answered with \(type(of: output)) where \(T.self) was expected")
        }
        return typed
    }

    /// One transaction for the whole batch, synced when any write in it must be; each write
    /// isolated (`eachIsolated`), so one refused (an idempotency conflict, a lost lease) does not
    /// undo the others.
    static func commitWrites(_ batch: [StoreWrite], pool: DatabasePool,
                             unsynced: CommitSync) async -> [Result<any Sendable, any Error>] {
        let sync: CommitSync = batch.contains(where: \.mustSync) ? .immediate : unsynced
        do {
            return try await pool.writeTransaction(sync) { db in db.eachIsolated(batch) { write in try write.run(db) } }
        } catch {
            let failure = StoreError("store.unavailable", "the store could not commit: \(error)")
            return batch.map { _ in .failure(failure) }
        }
    }
}
