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
