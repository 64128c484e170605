import Foundation
import Testing
@testable import Store

/// A worker that stops mid-transfer gives the message back: due at once, no attempt spent.
@Suite struct ReleaseTests {
    @Test func aReleasedMessageIsDueAtOnceAndSpendsNoAttempt() async throws {
        // One attempt allowed: had the release spent it, the next claim would end the message dead.
        let fixture = try StoreFixture(policy: QueuePolicy(defaultRetry: RetryPolicy(maxAttempts: 1)))
        let id = try await fixture.enqueueOne()
        let first = try await fixture.claimOnly(worker: "stopping", lease: .seconds(60))
        fixture.clock.advance(.seconds(2))
        try await fixture.store.release(first.lease, reason: "shutdown")

        let released = try await fixture.store.detail(ofMessage: id)
        #expect(released.message.state == .queued)
        #expect(released.message.leaseOwner == nil)
        #expect(released.attempts.map(\.outcome) == [.released])
        #expect(released.attempts.first?.reasonCode == "queue.released")
        #expect(released.changes.last.map { [$0.from, $0.to] } == [.sending, .queued])
        #expect(released.changes.last?.actor == "stopping")

        let second = try await fixture.claimOnly(worker: "restarted", lease: .seconds(60))
        #expect(second.message.id == id)
        #expect(second.lease.attemptNumber == 2)
        #expect(try await fixture.store.complete(second.lease, result: .delivered(httpStatus: 200), duration: .zero) == .delivered)
        #expect(try await fixture.store.detail(ofMessage: id).attempts.map(\.outcome) == [.released, .delivered])
    }

    @Test func onlyTheLeaseHolderMayRelease() async throws {
        let fixture = try StoreFixture()
        let id = try await fixture.enqueueOne()
        let claim = try await fixture.claimOnly(lease: .seconds(60))
        try await fixture.store.complete(claim.lease, result: .delivered(httpStatus: 200), duration: .zero)
        await #expect(throws: StoreError.leaseLost(id)) { try await fixture.store.release(claim.lease, reason: "late") }
        #expect(try await fixture.store.detail(ofMessage: id).message.state == .delivered)
    }

    @Test func aReleasedProbeLetsTheNextProbeGoAtOnce() async throws {
        let policy = QueuePolicy(breaker: BreakerPolicy(failureThreshold: 1, openDuration: .seconds(10)))
        let fixture = try StoreFixture(policy: policy)
        let id = try await fixture.enqueueOne()
        let failed = try await fixture.claimOnly(lease: .seconds(60))
        try await fixture.store.complete(failed.lease, result: .failed(.transport(code: "curl.7", detail: "refused")), duration: .zero)
        fixture.clock.advance(.seconds(11))
        let probe = try await fixture.claimOnly(worker: "stopping", lease: .seconds(60))
        #expect(probe.isProbe)
        try await fixture.store.release(probe.lease, reason: "shutdown")
        let next = try await fixture.store.claim(worker: "restarted", limit: 5, leaseDuration: .seconds(60))
        #expect(next.map(\.message.id) == [id])
        #expect(next.first?.isProbe == true)
    }
}
