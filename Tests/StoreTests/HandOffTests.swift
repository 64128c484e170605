import Foundation
import Testing
@testable import Store

/// An enqueue that carries a worker's free slots (`HandOff`) claims its new messages for that
/// worker in its own transaction, as the worker's claim would, and leaves the rest queued.
@Suite("store: messages handed to a worker by their enqueue")
struct HandOffTests {
    let handOff = HandOff(worker: "delivery@1", limit: 2, leaseDuration: .seconds(30))

    @Test("up to the limit are claimed in the enqueue, with the history a claim writes; the rest wait for a claim")
    func claimsUpToTheLimit() async throws {
        let fixture = try StoreFixture()
        var submission = fixture.submission("doc-1", to: ["000.00.00.H01", "000.00.00.H02", "000.00.00.H03"])
        submission.handOff = handOff
        let receipt = try await fixture.store.enqueue(submission)

        #expect(receipt.handedOff.map(\.message.id) == Array(receipt.messages.prefix(2).map(\.messageID)))
        for claim in receipt.handedOff {
            #expect(claim.lease.worker == "delivery@1")
            #expect(claim.lease.attemptNumber == 1)
            #expect(!claim.isProbe)
            let detail = try await fixture.store.detail(ofMessage: claim.message.id)
            #expect(detail.message == claim.message, "the claim carries the row as stored")
            #expect(detail.message.state == .sending)
            #expect(detail.message.leaseOwner == "delivery@1")
            #expect(detail.changes.map(\.reasonCode) == ["queue.enqueued", "queue.claimed"])
            #expect(detail.attempts.map(\.outcome) == [.inFlight])
        }
        let rest = try await fixture.store.claim(worker: "other", limit: 10, leaseDuration: .seconds(30))
        #expect(rest.map(\.message.id) == [receipt.messages[2].messageID], "only the third was left queued")

        // A handed-off lease reports like any other.
        let state = try await fixture.store.complete(receipt.handedOff[0].lease, result: .delivered(httpStatus: 200),
                                                     duration: .milliseconds(4))
        #expect(state == .delivered)
    }

    /// A message enqueued leased to the caller's own pseudo-worker, as a gateway leases a 01 to a push's answer.
    static func handedOver(_ document: String, in fixture: StoreFixture) async throws -> ClaimedMessage {
        var submission = fixture.submission(document)
        submission.handOff = HandOff(worker: "bus-reply", limit: 1, leaseDuration: .seconds(30))
        return try #require(try await fixture.store.enqueue(submission).handedOff.first)
    }

    @Test("a message its caller handed over is recorded delivered on confirmation under its lease, by that pseudo-worker")
    func aConfirmedHandOverIsDelivered() async throws {
        let fixture = try StoreFixture()
        let claim = try await Self.handedOver("status-1", in: fixture)
        #expect(try await fixture.store.claim(worker: "w", limit: 10, leaseDuration: .seconds(30)).isEmpty,
                "a worker does not take a message leased to the answer")

        #expect(try await fixture.store.confirmHandedOver(messageID: claim.message.id, leaseToken: "not-the-token", worker: "bus-reply") == nil)
        #expect(try await fixture.state(claim.message.id) == .sending, "a wrong token confirms nothing")
        #expect(try await fixture.store.confirmHandedOver(messageID: claim.message.id, leaseToken: claim.lease.token, worker: "bus-reply")
                == claim.message.destination)
        let detail = try await fixture.store.detail(ofMessage: claim.message.id)
        #expect(detail.message.state == .delivered)
        #expect(detail.changes.last?.actor == "bus-reply")
        #expect(detail.attempts.map(\.outcome) == [.delivered])
        #expect(try await fixture.store.confirmHandedOver(messageID: claim.message.id, leaseToken: claim.lease.token, worker: "bus-reply") == nil,
                "a repeated confirmation changes nothing")
        #expect(try await fixture.store.confirmHandedOver(messageID: "no-such-message", leaseToken: "t", worker: "bus-reply") == nil)
    }

    @Test("a handed-over message never confirmed goes to a worker once its lease expires; a late confirmation changes nothing")
    func anUnconfirmedHandOverGoesTheOrdinaryWay() async throws {
        let fixture = try StoreFixture()
        let handedOver = try await Self.handedOver("status-2", in: fixture)
        fixture.clock.advance(.seconds(31))
        let taken = try #require(try await fixture.store.claim(worker: "w", limit: 10, leaseDuration: .seconds(30)).first)
        #expect(taken.message.id == handedOver.message.id)
        #expect(try await fixture.store.confirmHandedOver(messageID: handedOver.message.id, leaseToken: handedOver.lease.token,
                                                          worker: "bus-reply") == nil)
        #expect(try await fixture.store.complete(taken.lease, result: .delivered(httpStatus: 200), duration: .milliseconds(3)) == .delivered)
    }

    @Test("a destination whose circuit is not closed is left to the claim, which applies the breaker")
    func anOpenCircuitIsNotHandedOff() async throws {
        let fixture = try StoreFixture(policy: BreakerTests.policy, jitter: [1.0])
        for n in 0..<3 { _ = try await fixture.enqueueOne("down-\(n)", to: "DOWN") }
        for claim in try await fixture.store.claim(worker: "w", limit: 3, leaseDuration: .seconds(10)) {
            try await fixture.store.complete(claim.lease, result: .failed(BreakerTests.down), duration: .milliseconds(3))
        }
        #expect(try await fixture.store.breakers().first { $0.destination == "DOWN" }?.state == .open)

        var submission = fixture.submission("doc-2", to: ["DOWN", "UP"])
        submission.handOff = handOff
        let receipt = try await fixture.store.enqueue(submission)
        #expect(receipt.handedOff.map(\.message.destination) == ["UP"])
        let down = try #require(receipt.messages.first { $0.destination == "DOWN" })
        #expect(try await fixture.store.detail(ofMessage: down.messageID).message.state == .queued)

        // Once the pause is over the circuit waits for its one probe: still no hand-off.
        fixture.clock.advance(.seconds(31))
        var later = fixture.submission("doc-3", to: ["DOWN"])
        later.handOff = handOff
        #expect(try await fixture.store.enqueue(later).handedOff.isEmpty)
    }

    @Test("a replayed submission hands nothing off")
    func aReplayHandsNothingOff() async throws {
        let fixture = try StoreFixture()
        var submission = fixture.submission("doc-4", key: "k-4")
        submission.handOff = handOff
        #expect(try await fixture.store.enqueue(submission).handedOff.count == 1)
        let again = try await fixture.store.enqueue(submission)
        #expect(again.replayed)
        #expect(again.handedOff.isEmpty)
    }

    @Test("an inbox row's follow-up is handed off in the row's transaction")
    func aFollowUpIsHandedOff() async throws {
        let fixture = try StoreFixture()
        var inbound = InboundFollowUpTests().submission(fixture)
        inbound.followUp?.submission.handOff = handOff
        let receipt = try await fixture.store.receive(inbound)
        let queued = try #require(receipt.queuedFollowUp)
        #expect(queued.handedOff.map(\.message.id) == queued.messages.map(\.messageID))
        #expect(try await fixture.store.stats().byState[.sending] == 1)
    }
}
