import Foundation
import Testing
@testable import Store

@Suite struct RetryPolicyTests {
    @Test func ceilingDoublesFromTheBaseUpToTheCap() {
        let policy = RetryPolicy(base: .seconds(2), cap: .seconds(60), maxAttempts: 10, maxAge: .seconds(3600))
        let ceilings = (1...7).map { policy.ceiling(afterFailures: $0) }
        #expect(ceilings == [.seconds(2), .seconds(4), .seconds(8), .seconds(16), .seconds(32), .seconds(60), .seconds(60)])
    }

    @Test func fullJitterSpansZeroToTheCeilingAndRetryAfterIsAFloor() {
        let policy = RetryPolicy(base: .seconds(2), cap: .seconds(60), maxAttempts: 10, maxAge: .seconds(3600))
        #expect(policy.delay(afterFailures: 3, jitter: 0, notBefore: nil) == .zero)
        #expect(policy.delay(afterFailures: 3, jitter: 0.25, notBefore: nil) == .seconds(2))
        #expect(policy.delay(afterFailures: 3, jitter: 0.25, notBefore: .seconds(30)) == .seconds(30))
        #expect(policy.delay(afterFailures: 3, jitter: 0.999, notBefore: .seconds(1)) == .milliseconds(7992))
    }

    @Test(arguments: [
        (DeliveryFailure.transport(code: "curl.7", detail: "refused"), true),
        (.timeout(detail: "30 s"), true),
        (.http(status: 500, retryAfter: nil, detail: ""), true),
        (.http(status: 503, retryAfter: nil, detail: ""), true),
        (.http(status: 429, retryAfter: .seconds(9), detail: ""), true),
        (.http(status: 408, retryAfter: nil, detail: ""), true),
        (.http(status: 400, retryAfter: nil, detail: ""), false),
        (.http(status: 403, retryAfter: nil, detail: ""), false),
        (.http(status: 404, retryAfter: nil, detail: ""), false),
        (.refused(reasonCode: "signature.digest_mismatch", explanation: ""), false),
    ])
    func failuresAreClassified(failure: DeliveryFailure, retryable: Bool) {
        if case .retryable = failure.classification { #expect(retryable) } else { #expect(!retryable) }
    }

    /// The stored schedule follows the policy exactly with a scripted clock and jitter, then the
    /// message dies at the attempt limit carrying the last reason.
    @Test func scheduleIsDeterministicAndEndsDeadWithTheLastReason() async throws {
        let policy = QueuePolicy(defaultRetry: RetryPolicy(base: .seconds(1), cap: .seconds(10), maxAttempts: 5, maxAge: .seconds(86400)))
        let fixture = try StoreFixture(policy: policy, jitter: [0.5, 1.0, 0.25, 0.9])
        let id = try await fixture.enqueueOne()
        var delays: [Duration] = []
        for attempt in 1...5 {
            let claim = try await fixture.claimOnly()
            #expect(claim.lease.attemptNumber == attempt)
            let state = try await fixture.store.complete(claim.lease, result: .failed(.http(status: 502, retryAfter: nil, detail: "bad gateway")),
                                                         duration: .milliseconds(40))
            let message = try await fixture.store.detail(ofMessage: id).message
            if attempt < 5 {
                #expect(state == .retryWait)
                let delay = Duration.milliseconds(message.dueAt!.storeMillis - fixture.clock.now().storeMillis)
                delays.append(delay)
                // Not due a moment before its time, due at it.
                fixture.clock.advance(delay - .milliseconds(1))
                #expect(try await fixture.store.claim(worker: "w", limit: 1, leaseDuration: .seconds(5)).isEmpty)
                fixture.clock.advance(.milliseconds(1))
            } else {
                #expect(state == .dead)
                #expect(message.lastReasonCode == "delivery.http_502")
                #expect(message.lastReason?.contains("5 attempts") == true)
            }
        }
        // ceilings 1, 2, 4, 8 s times jitter 0.5, 1.0, 0.25, 0.9
        #expect(delays == [.milliseconds(500), .seconds(2), .seconds(1), .milliseconds(7200)])
        let attempts = try await fixture.store.detail(ofMessage: id).attempts
        #expect(attempts.map(\.outcome) == [.retry, .retry, .retry, .retry, .dead])
        #expect(attempts.allSatisfy { $0.httpStatus == 502 && $0.duration == .milliseconds(40) && $0.reasonCode == "delivery.http_502" })
    }

    @Test func retryAfterIsHonoured() async throws {
        let fixture = try StoreFixture(jitter: [0.0])
        let id = try await fixture.enqueueOne()
        let claim = try await fixture.claimOnly()
        try await fixture.store.complete(claim.lease, result: .failed(.http(status: 429, retryAfter: .seconds(120), detail: "slow down")),
                                         duration: .zero)
        let message = try await fixture.store.detail(ofMessage: id).message
        #expect(message.state == .retryWait)
        #expect(message.dueAt == fixture.clock.now().addingTimeInterval(120))
    }

    @Test func permanentFailureGoesStraightToDead() async throws {
        let fixture = try StoreFixture()
        let id = try await fixture.enqueueOne()
        let claim = try await fixture.claimOnly()
        let state = try await fixture.store.complete(claim.lease, result: .failed(.http(status: 403, retryAfter: nil, detail: "forbidden")),
                                                     duration: .zero)
        #expect(state == .dead)
        let detail = try await fixture.store.detail(ofMessage: id)
        #expect(detail.message.lastReasonCode == "delivery.http_403")
        #expect(detail.attempts.count == 1)
    }

    @Test func maxAgeEndsARetryingMessage() async throws {
        let policy = QueuePolicy(defaultRetry: RetryPolicy(base: .seconds(1), cap: .seconds(1), maxAttempts: 100, maxAge: .seconds(60)))
        let fixture = try StoreFixture(policy: policy)
        let id = try await fixture.enqueueOne()
        let claim = try await fixture.claimOnly()
        fixture.clock.advance(.seconds(61))
        let state = try await fixture.store.complete(claim.lease, result: .failed(.timeout(detail: "no answer in 30 s")), duration: .seconds(30))
        #expect(state == .dead)
        let changes = try await fixture.store.detail(ofMessage: id).changes
        #expect(changes.last?.reasonCode == "queue.max_age")
    }

    @Test func policyIsChosenPerDestination() async throws {
        let strict = RetryPolicy(base: .seconds(1), cap: .seconds(1), maxAttempts: 1, maxAge: .seconds(3600))
        let fixture = try StoreFixture(policy: QueuePolicy(retryByDestination: ["STRICT": strict]))
        _ = try await fixture.store.enqueue(fixture.submission(to: ["STRICT", "LENIENT"]))
        let claims = try await fixture.store.claim(worker: "w", limit: 10, leaseDuration: .seconds(10))
        #expect(claims.count == 2)
        for claim in claims {
            let state = try await fixture.store.complete(claim.lease, result: .failed(.timeout(detail: "")), duration: .zero)
            #expect(state == (claim.message.destination == "STRICT" ? .dead : .retryWait))
        }
    }
}
