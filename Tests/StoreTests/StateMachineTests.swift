import Foundation
import Testing
@testable import Store

@Suite struct StateMachineTests {
    /// DESIGN.md's machine, written out independently of `MessageState.successors`.
    static let legal: Set<String> = [
        "queued>sending", "queued>held", "queued>cancelled", "queued>dead",
        "sending>delivered", "sending>retry_wait", "sending>dead", "sending>queued",
        "retry_wait>sending", "retry_wait>queued", "retry_wait>held", "retry_wait>cancelled", "retry_wait>dead",
        "held>queued", "held>cancelled",
        "dead>queued", "dead>cancelled",
    ]

    @Test(arguments: MessageState.allCases)
    func everyTransitionIsCheckedAgainstTheMachine(from: MessageState) {
        for to in MessageState.allCases {
            let isLegal = Self.legal.contains("\(from.rawValue)>\(to.rawValue)")
            #expect(from.canMove(to: to) == isLegal, "\(from) → \(to)")
            do {
                try from.checkTransition(to: to, messageID: "m1")
                #expect(isLegal, "\(from) → \(to) should have been refused")
            } catch {
                #expect(!isLegal)
                #expect(error.storeReasonCode == "queue.illegal_transition")
            }
        }
    }

    @Test func finalStatesHaveNoWayOut() {
        #expect(MessageState.delivered.isFinal)
        #expect(MessageState.cancelled.isFinal)
        #expect(!MessageState.dead.isFinal)
    }

    /// An illegal move on a stored message is refused and leaves the row and its history as they were.
    @Test(arguments: MessageState.allCases)
    func illegalMovesOnStoredMessagesWriteNothing(target: MessageState) async throws {
        let fixture = try StoreFixture()
        let id = try await fixture.enqueueOne()
        let claim = try await fixture.claimOnly()
        try await fixture.store.complete(claim.lease, result: .delivered(httpStatus: 200), duration: .milliseconds(5))
        let before = try await fixture.store.detail(ofMessage: id)
        await #expect(throws: StoreError.self) {
            try await fixture.store.pool.write { db in
                try Transition.move(db, id: id, from: .delivered, to: target, at: 0, reasonCode: "test", actor: "test")
            }
        }
        let after = try await fixture.store.detail(ofMessage: id)
        #expect(after.message.state == .delivered)
        #expect(after.changes == before.changes)
    }

    /// Walks each legal transition through the store's own operations and checks it was recorded.
    @Test func everyLegalTransitionHappensThroughTheStoreAndIsRecorded() async throws {
        let policy = QueuePolicy(defaultRetry: RetryPolicy(base: .seconds(1), cap: .seconds(1), maxAttempts: 3, maxAge: .seconds(3600)),
                                 breaker: BreakerPolicy(failureThreshold: 100))
        let fixture = try StoreFixture(policy: policy)
        let store = fixture.store
        var seen = Set<String>()
        func record(_ id: String) async throws {
            for change in try await store.detail(ofMessage: id).changes {
                if let from = change.from { seen.insert("\(from.rawValue)>\(change.to.rawValue)") }
            }
        }
        let failure = AttemptResult.failed(.http(status: 503, retryAfter: nil, detail: "busy"))

        // queued>sending>delivered
        let a = try await fixture.enqueueOne("a")
        try await store.complete(try await fixture.claimOnly().lease, result: .delivered(httpStatus: 200), duration: .zero)
        // queued>held>queued, queued>cancelled
        let b = try await fixture.enqueueOne("b")
        _ = try await store.hold([b], actor: "op", reason: nil)
        _ = try await store.release([b], actor: "op", reason: nil)
        _ = try await store.cancel([b], actor: "op", reason: "not needed")
        // sending>retry_wait>held>cancelled; retry_wait>sending>dead (permanent); dead>queued; dead>cancelled
        let c = try await fixture.enqueueOne("c")
        try await store.complete(try await fixture.claimOnly().lease, result: failure, duration: .zero)
        _ = try await store.hold([c], actor: "op", reason: nil)
        _ = try await store.cancel([c], actor: "op", reason: "superseded")
        let d = try await fixture.enqueueOne("d")
        try await store.complete(try await fixture.claimOnly().lease, result: failure, duration: .zero)
        fixture.clock.advance(.seconds(2))
        try await store.complete(try await fixture.claimOnly().lease,
                                 result: .failed(.refused(reasonCode: "signature.invalid", explanation: "no")), duration: .zero)
        _ = try await store.retry(.ids([d]), actor: "op", reason: nil)
        try await store.complete(try await fixture.claimOnly().lease,
                                 result: .failed(.http(status: 400, retryAfter: nil, detail: "bad")), duration: .zero)
        _ = try await store.cancel([d], actor: "op", reason: "gave up")
        // retry_wait>queued (operator retry), retry_wait>dead and queued>dead (age ran out while waiting),
        // retry_wait>cancelled, sending>queued (lease expired) and sending>dead (policy runs out)
        let e = try await fixture.enqueueOne("e")
        try await store.complete(try await fixture.claimOnly().lease, result: failure, duration: .zero)
        _ = try await store.retry(.ids([e]), actor: "op", reason: nil)
        _ = try await fixture.claimOnly(lease: .seconds(5))
        fixture.clock.advance(.seconds(10))
        try await store.complete(try await fixture.claimOnly().lease, result: failure, duration: .zero)
        #expect(try await fixture.state(e) == .retryWait)
        let f = try await fixture.enqueueOne("f")
        fixture.clock.advance(.seconds(3601))
        _ = try await store.claim(worker: "w", limit: 10, leaseDuration: .seconds(5))
        #expect(try await fixture.state(e) == .dead)
        #expect(try await fixture.state(f) == .dead)
        let g = try await fixture.enqueueOne("g")
        try await store.complete(try await fixture.claimOnly().lease, result: failure, duration: .zero)
        _ = try await store.cancel([g], actor: "op", reason: "stop")
        let h = try await fixture.enqueueOne("h")
        try await store.complete(try await fixture.claimOnly().lease, result: failure, duration: .zero)
        fixture.clock.advance(.seconds(2))
        try await store.complete(try await fixture.claimOnly().lease, result: failure, duration: .zero)
        fixture.clock.advance(.seconds(2))
        try await store.complete(try await fixture.claimOnly().lease, result: failure, duration: .zero)
        #expect(try await fixture.state(h) == .dead)

        for id in [a, b, c, d, e, f, g, h] { try await record(id) }
        let missing = Self.legal.subtracting(seen).sorted()
        #expect(missing.isEmpty, "never exercised: \(missing)")
        #expect(seen.isSubset(of: Self.legal), "recorded an illegal move: \(seen.subtracting(Self.legal))")
    }
}
