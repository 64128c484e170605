import Foundation
import GRDB
import Testing
import TestSupport
@testable import Store

/// Schema v10: indexes hold undelivered messages only; triggers count the states messages rest in.
@Suite struct OpenMessageIndexTests {
    /// What `queue stats` says must equal a count of the rows themselves, whatever happened.
    private func expectStatsMatchTheRows(_ store: SQLiteStore, _ comment: Comment) async throws {
        let rows = try await store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT destination, state, COUNT(*) AS n FROM messages GROUP BY destination, state")
        }
        var expected: [String: [MessageState: Int]] = [:]
        for row in rows { expected[row["destination"], default: [:]][MessageState(rawValue: row["state"])!] = row["n"] }
        #expect(try await store.stats().byDestination == expected, comment)
    }

    @Test func countsFollowEveryKindOfChange() async throws {
        let fixture = try StoreFixture(policy: QueuePolicy(defaultRetry: RetryPolicy(maxAttempts: 1)))
        let store = fixture.store
        _ = try await store.enqueue(fixture.submission("d1", to: ["A", "B"]))
        _ = try await store.enqueue(fixture.submission("d2", to: ["A"]))
        try await expectStatsMatchTheRows(store, "queued")
        let claims = try await store.claim(worker: "w", limit: 10, leaseDuration: .seconds(10))
        #expect(claims.count == 3)
        try await expectStatsMatchTheRows(store, "sending")
        _ = try await store.complete(claims[0].lease, result: .delivered(httpStatus: 200), duration: .zero)
        _ = try await store.complete(claims[1].lease, result: .delivered(httpStatus: 200), duration: .zero)
        _ = try await store.complete(claims[2].lease, result: .failed(.timeout(detail: "slow")), duration: .zero)
        try await expectStatsMatchTheRows(store, "delivered and dead")
        let stats = try await store.stats()
        #expect(stats.byState == [.delivered: 2, .dead: 1])
        #expect(stats.oldestUndeliveredAt == nil, "a dead message is not waiting")

        _ = try await store.retry(.state(.dead, destination: nil), actor: "op", reason: "link fixed")
        try await expectStatsMatchTheRows(store, "retried")
        fixture.clock.advance(.seconds(60))
        let purged = try await store.purge(deliveredBefore: fixture.clock.now(), actor: "op")
        #expect(purged.messagesRemoved == 2)
        try await expectStatsMatchTheRows(store, "purged")
        #expect(try await store.stats().byState == [.queued: 1])
    }

    @Test func heldRetryingCancelledAndInFlightMessagesAreCounted() async throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        _ = try await store.enqueue(fixture.submission("d1", to: ["A", "B", "C"]))
        let held = try await fixture.enqueueOne("d2", to: "A")
        let cancelled = try await fixture.enqueueOne("d3", to: "B")
        _ = try await store.hold([held], actor: "op", reason: nil)
        _ = try await store.cancel([cancelled], actor: "op", reason: "sent by mistake")
        try await expectStatsMatchTheRows(store, "held and cancelled")
        let claims = try await store.claim(worker: "w", limit: 2, leaseDuration: .seconds(10))
        #expect(claims.count == 2)
        try await expectStatsMatchTheRows(store, "two in flight")
        _ = try await store.complete(claims[0].lease, result: .failed(.timeout(detail: "slow")), duration: .zero)
        try await expectStatsMatchTheRows(store, "one waiting to retry")
        _ = try await store.release([held], actor: "op", reason: nil)
        try await expectStatsMatchTheRows(store, "released")
        #expect(try await store.stats().byState == [.queued: 2, .sending: 1, .retryWait: 1, .cancelled: 1])
    }

    @Test func deliveredMessagesAreListedInCreationOrderWithoutAnIndex() async throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        for number in 0..<3 {
            _ = try await store.enqueue(fixture.submission("doc-\(number)", to: ["A"]))
            fixture.clock.advance(.seconds(1))
        }
        for claim in try await store.claim(worker: "w", limit: 10, leaseDuration: .seconds(10)) {
            _ = try await store.complete(claim.lease, result: .delivered(httpStatus: 200), duration: .zero)
        }
        let listed = try await store.list(MessageFilter(state: .delivered, destination: "A"))
        #expect(listed.map(\.documentID) == ["doc-0", "doc-1", "doc-2"])
    }

    /// The delivery loop's queries must reach their partial index: SQLite ignores one unless the query
    /// repeats its condition word for word, and would then scan every message ever sent.
    @Test func theDeliveryLoopReadsThePartialIndex() async throws {
        let fixture = try StoreFixture()
        let queries = [SQLiteStore.dueSQL(excludingDestinations: 0), SQLiteStore.dueSQL(excludingDestinations: 2)]
        let plans = try await fixture.store.pool.read { db in
            try queries.map { sql in
                let unbound = StatementArguments(Array(repeating: DatabaseValue.null, count: sql.filter { $0 == "?" }.count))
                return try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: unbound)
                    .map { $0["detail"] as String }.joined(separator: "; ")
            }
        }
        #expect(plans[0].contains("USING INDEX messages_open_due"), "\(plans[0])")
        #expect(plans[1].contains("USING INDEX messages_open_due"), "\(plans[1])")
    }
}
