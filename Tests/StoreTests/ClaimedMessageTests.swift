import Foundation
import Testing
@testable import Store

/// A claim builds the message it hands out instead of reading the row again: what the worker
/// gets must be exactly what the store then shows.
@Suite struct ClaimedMessageTests {
    @Test func theClaimedMessageIsTheRowAsTheClaimLeftIt() async throws {
        let fixture = try StoreFixture()
        let id = try await fixture.enqueueOne("doc-claimed")
        let first = try await fixture.claimOnly(worker: "w1", lease: .seconds(30))
        #expect(first.message.state == .sending)
        #expect(first.message.leaseOwner == "w1")
        #expect(first.message == (try await fixture.store.detail(ofMessage: id).message))

        // Retaken after its lease expired: through `queued` back to `sending`, by the new worker.
        fixture.clock.advance(.seconds(31))
        let second = try await fixture.claimOnly(worker: "w2", lease: .seconds(30))
        #expect(second.message.attempts == 2)
        #expect(second.message.leaseOwner == "w2")
        #expect(second.message == (try await fixture.store.detail(ofMessage: id).message))

        // After a retryable failure the retry's claim carries the last reason along.
        try await fixture.store.complete(second.lease, result: .failed(.timeout(detail: "no answer")), duration: .milliseconds(5))
        fixture.clock.advance(.seconds(601))
        let third = try await fixture.claimOnly(worker: "w3")
        #expect(third.message.lastReasonCode == "delivery.timeout")
        #expect(third.message == (try await fixture.store.detail(ofMessage: id).message))
    }
}
