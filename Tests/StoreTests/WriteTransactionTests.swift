import Foundation
import GRDB
import Testing
@testable import Store

/// The hot paths' transaction helper commits, or rolls everything back and leaves the writer
/// ready for the next transaction.
@Suite("store: write transactions with cached BEGIN and COMMIT")
struct WriteTransactionTests {
    struct Refused: Error {}

    @Test("an error inside undoes every write of the transaction, and the next transaction commits")
    func errorRollsBackAndTheWriterStaysUsable() async throws {
        let fixture = try StoreFixture()
        let pool = fixture.store.pool
        try await pool.write { db in try db.execute(sql: "CREATE TABLE probe (n INTEGER)") }

        await #expect(throws: Refused.self) {
            try await pool.writeTransaction { db in
                try db.execute(sql: "INSERT INTO probe VALUES (1)")
                throw Refused()
            }
        }
        let afterRollback = try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM probe") }
        #expect(afterRollback == 0)

        let inside = try await pool.writeTransaction { db in
            try db.execute(sql: "INSERT INTO probe VALUES (2)")
            return db.isInsideTransaction
        }
        #expect(inside)
        let stillOpen = try await pool.writeWithoutTransaction { db in db.isInsideTransaction }
        #expect(!stillOpen)
        let values = try await pool.read { db in try Int.fetchAll(db, sql: "SELECT n FROM probe") }
        #expect(values == [2])
    }
}

/// Claims and delivery reports commit without their own sync; everything acknowledged to a peer
/// still syncs, so the writer must be back at FULL after each deferred commit.
@Suite("store: commits deferred to the next sync")
struct DeferredSyncTests {
    struct Refused: Error {}

    func synchronous(_ pool: DatabasePool) async throws -> Int? {
        try await pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
    }

    @Test("a deferred transaction runs at NORMAL and the writer returns to FULL, after an error too")
    func deferredTransactionRestoresFull() async throws {
        let fixture = try StoreFixture(durability: .full)
        let pool = fixture.store.pool
        let inside = try await pool.writeTransaction(.deferred) { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(inside == 1)
        #expect(try await synchronous(pool) == 2)
        let immediate = try await pool.writeTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(immediate == 2)

        await #expect(throws: Refused.self) {
            try await pool.writeTransaction(.deferred) { _ in throw Refused() }
        }
        #expect(try await synchronous(pool) == 2)
    }

    @Test("a full store's claim and report commit, and leave the writer syncing every other commit")
    func claimAndReportOnAFullStore() async throws {
        let fixture = try StoreFixture(durability: .full)
        let id = try await fixture.enqueueOne()
        let claims = try await fixture.store.claim(worker: "w", limit: 1, leaseDuration: .seconds(30))
        #expect(claims.map(\.message.id) == [id])
        #expect(try await synchronous(fixture.store.pool) == 2)
        try await fixture.store.complete(claims[0].lease, result: .delivered(httpStatus: 200), duration: .milliseconds(3))
        #expect(try await synchronous(fixture.store.pool) == 2)
        #expect(try await fixture.state(id) == .delivered)
    }

    @Test("a normal store stays at NORMAL through claims and reports")
    func normalStoreIsNotTurnedToFull() async throws {
        let fixture = try StoreFixture(durability: .normal)
        #expect(SQLiteStore.deferredSync(.normal) == .immediate)
        _ = try await fixture.enqueueOne()
        let claims = try await fixture.store.claim(worker: "w", limit: 1, leaseDuration: .seconds(30))
        try await fixture.store.complete(claims[0].lease, result: .delivered(httpStatus: 200), duration: .milliseconds(3))
        #expect(try await synchronous(fixture.store.pool) == 1)
    }
}

/// Submissions, arrivals, claims, reports and seen signatures share one group commit: writes
/// that arrive while a commit runs go together in the next, synced when any of them must be.
@Suite("store: one group commit for every hot-path write")
struct SharedGroupCommitTests {
    /// Submits a write that holds the writer for `holding`, then `writes` while it runs, so they
    /// all land in the next batch; answers each one's result in order.
    func batchedBehindASlowWrite(_ store: SQLiteStore, holding: Duration = .milliseconds(300),
                                 _ writes: [(mustSync: Bool, body: @Sendable (Database) throws -> Int)]) async throws -> [Int] {
        async let slow: Int = store.write(mustSync: false) { _ in
            Thread.sleep(forTimeInterval: Double(holding.components.seconds) + Double(holding.components.attoseconds) / 1e18)
            return 0
        }
        try await Task.sleep(for: .milliseconds(50))   // the slow write is under way
        let results = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            for (index, write) in writes.enumerated() {
                group.addTask { (index, try await store.write(mustSync: write.mustSync, write.body)) }
            }
            return try await group.reduce(into: [Int](repeating: -1, count: writes.count)) { $0[$1.0] = $1.1 }
        }
        _ = try await slow
        return results
    }

    static let synchronous: @Sendable (Database) throws -> Int = { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }

    @Test("unsynced writes batched with one that must sync are synced with it; alone they are not")
    func aBatchIsSyncedWhenAnyWriteMustBe() async throws {
        let fixture = try StoreFixture(durability: .full)
        let together = try await batchedBehindASlowWrite(fixture.store, [(false, Self.synchronous), (true, Self.synchronous)])
        #expect(together == [2, 2], "one transaction, at FULL")
        let unsynced = try await batchedBehindASlowWrite(fixture.store, [(false, Self.synchronous), (false, Self.synchronous)])
        #expect(unsynced == [1, 1], "claims and reports alone commit at NORMAL")
    }

    @Test("a report refused in a batch (its lease is lost) undoes neither the submission nor the report beside it")
    func aRefusedWriteLeavesTheOthersOfItsBatch() async throws {
        let fixture = try StoreFixture(durability: .full)
        let first = try await fixture.enqueueOne("doc-1")
        let lease = try #require(try await fixture.store.claim(worker: "w", limit: 1, leaseDuration: .seconds(30)).first).lease
        let store = fixture.store
        async let slow: Int = store.write(mustSync: false) { _ in Thread.sleep(forTimeInterval: 0.3); return 0 }
        try await Task.sleep(for: .milliseconds(50))   // the slow write is under way; the rest wait for the next batch
        @Sendable func report() async -> Result<MessageState, any Error> {
            do { return .success(try await store.complete(lease, result: .delivered(httpStatus: 200), duration: .milliseconds(2))) }
            catch { return .failure(error) }
        }
        async let one = report()
        async let other = report()
        async let second = fixture.enqueueOne("doc-2")
        _ = try await slow
        let (reports, secondID) = try await ([one, other], second)
        #expect(reports.compactMap { try? $0.get() } == [.delivered], "one report lands")
        #expect(reports.filter { if case .failure(let error) = $0 { error is StoreError } else { false } }.count == 1,
                "the other finds its lease gone")
        #expect(try await fixture.state(first) == .delivered)
        #expect(try await fixture.state(secondID) == .queued)
    }
}
