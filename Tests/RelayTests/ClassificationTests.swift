import Relay
import Testing

/// How HTTP statuses map to outcomes, without a network (the end-to-end cases are in VDXPClientTests).
@Suite struct ClassificationTests {
    @Test func successIsNoFailure() {
        #expect(RelayFailure.classify(status: 200, headers: [], body: []) == nil)
        #expect(RelayFailure.classify(status: 204, headers: [], body: []) == nil)
    }

    @Test(arguments: [500, 502, 503, 504])
    func serverErrorsAreRetryable(status: Int) throws {
        let failure = try #require(RelayFailure.classify(status: status, headers: [], body: []))
        #expect(failure.reasonCode == "relay.http_5xx")
        #expect(failure.disposition == .retryable(after: nil))
        #expect(failure.httpStatus == status)
    }

    @Test func serviceUnavailableHonoursRetryAfter() throws {
        let failure = try #require(RelayFailure.classify(status: 503, headers: [HTTPField("Retry-After", "42")], body: []))
        #expect(TransferOutcome(failure) == .retryable(failure, retryAfter: .seconds(42)))
    }

    @Test(arguments: [400, 404, 409, 413, 422])
    func otherClientErrorsArePermanent(status: Int) throws {
        let failure = try #require(RelayFailure.classify(status: status, headers: [], body: Array("bad envelope".utf8)))
        #expect(failure.reasonCode == "relay.http_4xx")
        #expect(failure.disposition == .permanent)
        #expect(failure.explanation.contains("bad envelope"))
    }

    @Test func credentialsRefusedArePermanentWithTheirOwnCode() throws {
        #expect(RelayFailure.classify(status: 401, headers: [], body: [])?.reasonCode == "relay.unauthorized")
        #expect(RelayFailure.classify(status: 403, headers: [], body: [])?.disposition == .permanent)
    }

    @Test func requestTimeoutIsRetryable() {
        #expect(RelayFailure.classify(status: 408, headers: [], body: [])?.reasonCode == "relay.timeout")
        #expect(RelayFailure.classify(status: 408, headers: [], body: [])?.isRetryable == true)
    }

    @Test func anythingElseThrownIsRetryableSoTheMessageSurvives() {
        struct Odd: Error {}
        #expect(TransferOutcome(classifying: Odd()).reasonCode == "relay.network")
        #expect(TransferOutcome(classifying: CancellationError()).reasonCode == "relay.cancelled")
        if case .permanent = TransferOutcome(classifying: Odd()) { Issue.record("a fault of ours must not kill the message") }
    }
}
