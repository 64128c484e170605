import Foundation
import Testing
@testable import Store

@Suite struct OperatorTests {
    @Test func holdReleaseAndTheSummaryOfWhatWasSkipped() async throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        let ids = try await [0, 1, 2, 3].asyncMap { try await fixture.enqueueOne("doc-\($0)") }
        let held = try await store.hold(Array(ids[0...2]), actor: "alice", reason: "partner asked")
        #expect(held.changed == Array(ids[0...2]))
        let released = try await store.release(ids + ["NOPE"], actor: "alice", reason: nil)
        #expect(released.changed == Array(ids[0...2]))
        #expect(released.skipped.map(\.messageID) == [ids[3], "NOPE"])
        #expect(released.skipped.map(\.reasonCode) == ["queue.wrong_state", "queue.not_found"])
        #expect(released.skipped[0].reason.hasPrefix("it is queued"))

        let detail = try await store.detail(ofMessage: ids[0])
        #expect(detail.operatorActions.map(\.action) == ["hold", "release"])
        #expect(detail.operatorActions[0].actor == "alice")
        #expect(detail.operatorActions[0].reason == "partner asked")
        #expect(detail.changes.last?.actor == "alice")
        let skippedLog = try await store.detail(ofMessage: ids[3]).operatorActions
        #expect(skippedLog.map(\.result) == ["skipped: it is queued"])
    }

    @Test func aHeldMessageIsNotClaimedAndASendingOneCannotBeHeld() async throws {
        let fixture = try StoreFixture()
        let waiting = try await fixture.enqueueOne("a")
        _ = try await fixture.store.hold([waiting], actor: "op", reason: nil)
        #expect(try await fixture.store.claim(worker: "w", limit: 10, leaseDuration: .seconds(10)).isEmpty)
        let sending = try await fixture.enqueueOne("b")
        _ = try await fixture.claimOnly()
        let outcome = try await fixture.store.hold([sending], actor: "op", reason: nil)
        #expect(outcome.changed.isEmpty)
        #expect(outcome.skipped.first?.reason.contains("it is sending") == true)
    }

    @Test func retryByStateAndDestinationRequeuesDeadMessagesWithAFreshBudget() async throws {
        let policy = QueuePolicy(defaultRetry: RetryPolicy(maxAttempts: 1))
        let fixture = try StoreFixture(policy: policy)
        let store = fixture.store
        _ = try await store.enqueue(fixture.submission(to: ["A", "B"]))
        for claim in try await store.claim(worker: "w", limit: 10, leaseDuration: .seconds(10)) {
            try await store.complete(claim.lease, result: .failed(.timeout(detail: "slow")), duration: .zero)
        }
        #expect(try await store.stats().byState[.dead] == 2)
        let outcome = try await store.retry(.state(.dead, destination: "A"), actor: "op", reason: "link fixed")
        #expect(outcome.changed.count == 1)
        let claims = try await store.claim(worker: "w", limit: 10, leaseDuration: .seconds(10))
        #expect(claims.map(\.message.destination) == ["A"])
        #expect(claims[0].lease.attemptNumber == 2)
    }

    @Test func cancelNeedsAReasonAndIsFinal() async throws {
        let fixture = try StoreFixture()
        let id = try await fixture.enqueueOne()
        await #expect(throws: StoreError.self) { _ = try await fixture.store.cancel([id], actor: "op", reason: " ") }
        #expect(try await fixture.store.cancel([id], actor: "op", reason: "sent by mistake").changed == [id])
        let again = try await fixture.store.retry(.ids([id]), actor: "op", reason: nil)
        #expect(again.changed.isEmpty)
        #expect(try await fixture.state(id) == .cancelled)
    }

    @Test func listFiltersAndStatsCount() async throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        _ = try await store.enqueue(fixture.submission("old", to: ["A", "B"]))
        fixture.clock.advance(.seconds(7200))
        _ = try await store.enqueue(fixture.submission("new", to: ["A"]))
        let oldOnes = try await store.list(MessageFilter(createdBefore: fixture.clock.now().addingTimeInterval(-3600)))
        #expect(oldOnes.map(\.documentID) == ["old", "old"])
        #expect(try await store.list(MessageFilter(destination: "A")).count == 2)
        #expect(try await store.list(MessageFilter(state: .queued, destination: "B")).map(\.documentID) == ["old"])
        #expect(try await store.list(MessageFilter(limit: 1)).count == 1)
        let stats = try await store.stats()
        #expect(stats.byState == [.queued: 3])
        #expect(stats.byDestination["A"] == [.queued: 2])
        #expect(stats.oldestUndeliveredAt == Date(timeIntervalSince1970: 1_800_000_000))
    }
}
