import Foundation
import Testing
@testable import Store

@Suite struct LeaseTests {
    @Test func anExpiredLeaseIsTakenOverAndTheOldHolderCannotReport() async throws {
        let fixture = try StoreFixture()
        let id = try await fixture.enqueueOne()
        let first = try await fixture.claimOnly(worker: "dies", lease: .seconds(30))
        #expect(try await fixture.store.claim(worker: "other", limit: 10, leaseDuration: .seconds(30)).isEmpty)

        fixture.clock.advance(.seconds(31))
        let second = try await fixture.claimOnly(worker: "takes-over")
        #expect(second.message.id == id)
        #expect(second.lease.attemptNumber == 2)
        #expect(second.lease.token != first.lease.token)

        await #expect(throws: StoreError.leaseLost(id)) {
            try await fixture.store.complete(first.lease, result: .delivered(httpStatus: 200), duration: .zero)
        }
        await #expect(throws: StoreError.leaseLost(id)) { _ = try await fixture.store.extend(first.lease, by: .seconds(60)) }
        try await fixture.store.complete(second.lease, result: .delivered(httpStatus: 200), duration: .zero)

        let detail = try await fixture.store.detail(ofMessage: id)
        #expect(detail.message.state == .delivered)
        #expect(detail.attempts.map(\.outcome) == [.leaseExpired, .delivered])
        #expect(detail.changes.contains { $0.from == .sending && $0.to == .queued && $0.reasonCode == "queue.lease_expired" })
    }

    @Test func extendingKeepsTheMessageForALongTransfer() async throws {
        let fixture = try StoreFixture()
        _ = try await fixture.enqueueOne()
        var claim = try await fixture.claimOnly(lease: .seconds(30))
        fixture.clock.advance(.seconds(25))
        claim.lease = try await fixture.store.extend(claim.lease, by: .seconds(30))
        fixture.clock.advance(.seconds(25))
        #expect(try await fixture.store.claim(worker: "other", limit: 10, leaseDuration: .seconds(30)).isEmpty)
        #expect(try await fixture.store.complete(claim.lease, result: .delivered(httpStatus: 200), duration: .seconds(50)) == .delivered)
    }

    @Test func aMessageThatKeepsKillingWorkersEndsDead() async throws {
        let policy = QueuePolicy(defaultRetry: RetryPolicy(maxAttempts: 2))
        let fixture = try StoreFixture(policy: policy)
        let id = try await fixture.enqueueOne()
        for _ in 0..<2 {
            _ = try await fixture.claimOnly(lease: .seconds(5))
            fixture.clock.advance(.seconds(6))
        }
        #expect(try await fixture.store.claim(worker: "w", limit: 10, leaseDuration: .seconds(5)).isEmpty)
        let message = try await fixture.store.detail(ofMessage: id).message
        #expect(message.state == .dead)
        #expect(message.lastReasonCode == "queue.attempts_exhausted")
    }

    @Test func concurrentClaimersNeverShareAMessage() async throws {
        let fixture = try StoreFixture()
        for n in 0..<40 { _ = try await fixture.enqueueOne("doc-\(n)") }
        let store = fixture.store
        let claimed = try await withThrowingTaskGroup(of: [String].self) { group in
            for worker in 0..<4 {
                group.addTask {
                    var mine: [String] = []
                    for _ in 0..<20 {
                        let batch = try await store.claim(worker: "w\(worker)", limit: 3, leaseDuration: .seconds(60))
                        if batch.isEmpty { break }
                        mine += batch.map(\.message.id)
                    }
                    return mine
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(claimed.count == 40)
        #expect(Set(claimed).count == 40)
    }
}
