import Foundation
import Testing
@testable import Store

@Suite struct BreakerTests {
    static let policy = QueuePolicy(defaultRetry: RetryPolicy(base: .milliseconds(100), cap: .milliseconds(100), maxAttempts: 50,
                                                              maxAge: .seconds(86400)),
                                    breaker: BreakerPolicy(failureThreshold: 3, openDuration: .seconds(30)))
    static let down = DeliveryFailure.transport(code: "curl.7", detail: "connection refused")

    private func fail(_ fixture: StoreFixture, _ claim: ClaimedMessage) async throws {
        try await fixture.store.complete(claim.lease, result: .failed(Self.down), duration: .milliseconds(3))
    }

    @Test func opensAfterConsecutiveFailuresPausesWithoutSpendingAttemptsAndProbesOneAtATime() async throws {
        let fixture = try StoreFixture(policy: Self.policy, jitter: [1.0])
        let store = fixture.store
        var ids: [String] = []
        for n in 0..<5 { ids.append(try await fixture.enqueueOne("doc-\(n)", to: "DOWN")) }
        let first = try await store.claim(worker: "w", limit: 3, leaseDuration: .seconds(10))
        #expect(first.count == 3)
        for claim in first { try await fail(fixture, claim) }
        let healthy = try await fixture.enqueueOne("other", to: "UP")
        #expect(try await store.breakers().first { $0.destination == "DOWN" }?.state == .open)

        // Paused: nothing of DOWN is claimed and no attempt is spent, but UP still flows.
        fixture.clock.advance(.seconds(5))
        let duringPause = try await store.claim(worker: "w", limit: 10, leaseDuration: .seconds(10))
        #expect(duringPause.map(\.message.id) == [healthy])
        for claim in duringPause { try await store.complete(claim.lease, result: .delivered(httpStatus: 200), duration: .zero) }
        let attemptsBefore = try await ids.asyncMap { try await store.detail(ofMessage: $0).message.attempts }
        #expect(attemptsBefore.sorted() == [0, 0, 1, 1, 1])

        // Pause over: exactly one probe, the others wait while it is in flight.
        fixture.clock.advance(.seconds(26))
        let probe = try await store.claim(worker: "w", limit: 10, leaseDuration: .seconds(10))
        #expect(probe.count == 1)
        #expect(probe[0].isProbe)
        #expect(try await store.breakers().first { $0.destination == "DOWN" }?.state == .halfOpen)
        #expect(try await store.claim(worker: "w2", limit: 10, leaseDuration: .seconds(10)).isEmpty)

        // The probe fails: open again for another pause.
        try await fail(fixture, probe[0])
        #expect(try await store.breakers().first { $0.destination == "DOWN" }?.state == .open)
        #expect(try await store.claim(worker: "w", limit: 10, leaseDuration: .seconds(10)).isEmpty)

        // Next probe succeeds: the circuit closes and the rest flow.
        fixture.clock.advance(.seconds(31))
        let secondProbe = try await store.claim(worker: "w", limit: 10, leaseDuration: .seconds(10))
        #expect(secondProbe.count == 1 && secondProbe[0].isProbe)
        try await store.complete(secondProbe[0].lease, result: .delivered(httpStatus: 200), duration: .milliseconds(3))
        let breaker = try await store.breakers().first { $0.destination == "DOWN" }
        #expect(breaker?.state == .closed)
        #expect(breaker?.consecutiveFailures == 0)
        #expect(try await store.claim(worker: "w", limit: 10, leaseDuration: .seconds(10)).count == 4)
    }

    @Test func aProbeWhoseWorkerDiesIsReplacedAfterItsLease() async throws {
        let fixture = try StoreFixture(policy: Self.policy, jitter: [1.0])
        for n in 0..<4 { _ = try await fixture.enqueueOne("doc-\(n)", to: "DOWN") }
        for claim in try await fixture.store.claim(worker: "w", limit: 3, leaseDuration: .seconds(10)) {
            try await fail(fixture, claim)
        }
        fixture.clock.advance(.seconds(31))
        let probe = try await fixture.store.claim(worker: "w", limit: 10, leaseDuration: .seconds(10))
        #expect(probe.count == 1)
        fixture.clock.advance(.seconds(11))
        let replacement = try await fixture.store.claim(worker: "w2", limit: 10, leaseDuration: .seconds(10))
        #expect(replacement.count == 1)
        #expect(replacement[0].isProbe)
    }

    @Test func refusalsAndClientErrorsDoNotCountAgainstTheDestination() async throws {
        let fixture = try StoreFixture(policy: Self.policy)
        for n in 0..<4 { _ = try await fixture.enqueueOne("doc-\(n)", to: "PICKY") }
        for claim in try await fixture.store.claim(worker: "w", limit: 4, leaseDuration: .seconds(10)) {
            try await fixture.store.complete(claim.lease, result: .failed(.http(status: 400, retryAfter: nil, detail: "bad")),
                                             duration: .zero)
        }
        #expect(try await fixture.store.breakers().allSatisfy { $0.state == .closed })
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
