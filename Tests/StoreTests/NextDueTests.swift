import Foundation
import Testing
@testable import Store

/// `timeUntilNextDue(dueSince:)`: what a worker that found nothing to claim sleeps for.
@Suite("the next due time after an empty claim")
struct NextDueTests {
    /// A message left in retry, and how long until it falls due.
    private func retryingMessage(_ fixture: StoreFixture) async throws -> Duration {
        _ = try await fixture.enqueueOne()
        let claim = try await fixture.claimOnly()
        let state = try await fixture.store.complete(claim.lease, result: .failed(.transport(code: "socket", detail: "refused")),
                                                     duration: .milliseconds(5))
        #expect(state == .retryWait)
        return try #require(try await fixture.store.timeUntilNextDue(dueSince: .zero))
    }

    @Test("a retry still ahead is counted, however long ago the claim began")
    func aheadIsCounted() async throws {
        let fixture = try StoreFixture()
        let wait = try await retryingMessage(fixture)
        #expect(wait > .zero)
        #expect(try await fixture.store.timeUntilNextDue(dueSince: .seconds(5)) == wait)
    }

    /// The race CI hit: the claim ran just before the retry fell due, the read just after; the
    /// read left it out as already due, and the worker slept until its next poll.
    @Test("a retry that fell due after the claim began is due now, not forgotten")
    func fellDueSinceTheClaimIsDueNow() async throws {
        let fixture = try StoreFixture()
        let wait = try await retryingMessage(fixture)
        fixture.clock.advance(wait + .milliseconds(5))
        let untilDue = try #require(try await fixture.store.timeUntilNextDue(dueSince: .milliseconds(20)))
        #expect(untilDue <= .zero)
    }

    /// Due before the claim began: the claim saw it and could not take it (a breaker open), so
    /// counting it would wake the worker again and again for nothing.
    @Test("a message already due when the claim began is left out")
    func dueBeforeTheClaimIsLeftOut() async throws {
        let fixture = try StoreFixture()
        let wait = try await retryingMessage(fixture)
        fixture.clock.advance(wait + .milliseconds(50))
        #expect(try await fixture.store.timeUntilNextDue(dueSince: .milliseconds(20)) == nil)
        #expect(try await fixture.store.timeUntilNextDue(dueSince: .zero) == nil)
    }
}
