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
