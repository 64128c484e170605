import Foundation
import Relay
import Testing
import TestSupport

/// The libcurl transport against a real HTTPS server on 127.0.0.1 that requires client certificates.
@Suite struct TransportTests {
    private func get(_ url: String) -> HTTPRequest { HTTPRequest(method: "GET", url: url) }

    @Test func mutualTLSExchangeSucceeds() async throws {
        let pki = try sharedPKI()
        try await withTestBus(pki: pki, behaviour: { _ in .json(#"{"status":"OK"}"#, headers: [("X-Seen", "yes")]) }) { bus in
            let response = try await makeTransport(pki).send(get("\(bus.baseURL)/ping"))
            #expect(response.status == 200)
            #expect(response.header("x-seen") == "yes")
            #expect(String(decoding: response.body, as: UTF8.self) == #"{"status":"OK"}"#)
        }
    }

    @Test func serverRefusesAClientWithoutCertificate() async throws {
        let pki = try sharedPKI()
        try await withTestBus(pki: pki, behaviour: { _ in okReply }) { bus in
            let error = await #expect(throws: RelayFailure.self) {
                try await makeTransport(pki, clientCertificate: false).send(get("\(bus.baseURL)/ping"))
            }
            #expect(error?.reasonCode == "relay.tls_client_rejected")
            #expect(error?.isRetryable == true)
            #expect(await bus.recorder.requests.isEmpty)
        }
    }

    @Test func untrustedServerCertificateIsRefused() async throws {
        let pki = try sharedPKI()
        try await withTestBus(pki: pki, identity: .rogue, behaviour: { _ in okReply }) { bus in
            let error = await #expect(throws: RelayFailure.self) {
                try await makeTransport(pki).send(get("\(bus.baseURL)/ping"))
            }
            #expect(error?.reasonCode == "relay.tls_untrusted")
            #expect(error?.curlCode == 60)
            #expect(await bus.recorder.requests.isEmpty)
        }
    }

    @Test func pinnedPublicKeyMustMatch() async throws {
        let pki = try sharedPKI()
        let rightPin = try pki.publicKeyPin(of: pki.serverCertificate)
        let wrongPin = try pki.publicKeyPin(of: pki.clientCertificate)
        try await withTestBus(pki: pki, behaviour: { _ in okReply }) { bus in
            let pinned = try await makeTransport(pki, pin: rightPin).send(get("\(bus.baseURL)/ping"))
            #expect(pinned.status == 200)
            let error = await #expect(throws: RelayFailure.self) {
                try await makeTransport(pki, pin: wrongPin).send(get("\(bus.baseURL)/ping"))
            }
            #expect(error?.reasonCode == "relay.tls_pin_mismatch")
        }
    }

    @Test func probeSaysWhetherTheBusAnswersOverTLS() async throws {
        let pki = try sharedPKI()
        try await withTestBus(pki: pki, behaviour: { _ in BusReply(status: 404) }) { bus in
            let answered = try await makeTransport(pki).probe(bus.baseURL)
            let anonymous = try await makeTransport(pki, clientCertificate: false).probe(bus.baseURL)
            #expect(answered == .success(404))
            #expect(anonymous.failureReason == "relay.tls_client_rejected")
        }
        try await withTestBus(pki: pki, identity: .rogue, behaviour: { _ in okReply }) { bus in
            let impostor = try await makeTransport(pki).probe(bus.baseURL)
            #expect(impostor.failureReason == "relay.tls_untrusted")
        }
    }

    @Test func connectionRefusedIsRetryable() async throws {
        let pki = try sharedPKI()
        let port = freeLoopbackPort()
        let error = await #expect(throws: RelayFailure.self) {
            try await makeTransport(pki).send(get("https://127.0.0.1:\(port)/vdxp/ping"))
        }
        #expect(error?.reasonCode == "relay.connect_failed")
        #expect(error?.isRetryable == true)
    }

    @Test func slowServerTimesOut() async throws {
        let pki = try sharedPKI()
        try await withTestBus(pki: pki, behaviour: { _ in BusReply(delay: .milliseconds(1500)) }) { bus in
            let error = await #expect(throws: RelayFailure.self) {
                try await makeTransport(pki, totalTimeout: .milliseconds(400)).send(get("\(bus.baseURL)/slow"))
            }
            #expect(error?.reasonCode == "relay.timeout")
            #expect(error?.curlCode == 28)
        }
    }

    @Test func connectionsAreReused() async throws {
        let pki = try sharedPKI()
        try await withTestBus(pki: pki, behaviour: { _ in okReply }) { bus in
            let transport = try makeTransport(pki)
            for _ in 0..<8 {
                let response = try await transport.send(get("\(bus.baseURL)/ping"))
                #expect(response.status == 200)
            }
            let requests = await bus.recorder.requests.count
            let connections = await bus.recorder.connectionCount
            #expect(requests == 8)
            #expect(connections < requests, "8 sequential requests should share kept-alive connections, saw \(connections)")
        }
    }

    @Test func concurrentTransfersPerDestinationAreBounded() async throws {
        let pki = try sharedPKI()
        try await withTestBus(pki: pki, behaviour: { _ in BusReply(delay: .milliseconds(150)) }) { bus in
            let transport = try makeTransport(pki, maxTransfersPerDestination: 2)
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<8 { group.addTask { try await transport.send(self.get("\(bus.baseURL)/slow")).status } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses == Array(repeating: 200, count: 8))
            #expect(await bus.recorder.maxInFlight <= 2)
            #expect(await bus.recorder.connectionCount <= 2)
        }
    }

    @Test func connectionsToSeveralDestinationsSurviveBetweenBursts() async throws {
        // Two destinations, four transfers to each at once, a configured cache of only four: the
        // cache grows to four per destination seen, so the second burst reuses the first's
        // connections (a bus pushing to its agencies would otherwise handshake again each burst).
        let pki = try sharedPKI()
        let slow: BusBehaviour = { _ in BusReply(delay: .milliseconds(100)) }
        try await withTestBus(pki: pki, behaviour: slow) { first in
            try await withTestBus(pki: pki, behaviour: slow) { second in
                let transport = try makeTransport(pki, maxTransfersPerDestination: 4, maxCachedConnections: 4)
                for _ in 0..<2 {
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for bus in [first, second] {
                            for _ in 0..<4 { group.addTask { _ = try await transport.send(self.get("\(bus.baseURL)/slow")) } }
                        }
                        try await group.waitForAll()
                    }
                }
                #expect(await first.recorder.requests.count == 8)
                #expect(await second.recorder.requests.count == 8)
                #expect(await first.recorder.connectionCount <= 4)
                #expect(await second.recorder.connectionCount <= 4)
            }
        }
    }

    @Test func waitingForASlotDoesNotCountAgainstTheTimeout() async throws {
        // One slot, 44 calls of about 0.5 s each: the last waits about 21.5 s for its slot,
        // longer than its 20 s timeout, and still succeeds because the timeout starts with the
        // transfer. Each transfer has 19.5 s to spare: with 5 s (and 12 calls) one transfer of
        // a CI run timed out while the whole suite was starting and the test process's threads
        // were busy (session 13).
        let pki = try sharedPKI()
        let timeout = Duration.seconds(20)
        try await withTestBus(pki: pki, behaviour: { _ in BusReply(delay: .milliseconds(500)) }) { bus in
            let transport = try makeTransport(pki, maxTransfersPerDestination: 1, totalTimeout: timeout)
            let started = ContinuousClock.now
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<44 { group.addTask { try await transport.send(self.get("\(bus.baseURL)/slow")).status } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses == Array(repeating: 200, count: 44))
            #expect(ContinuousClock.now - started > timeout, "the last call waited longer than its timeout")
            #expect(await bus.recorder.maxInFlight == 1)
        }
    }

    @Test func aWiderBoundLetsTransfersOverlap() async throws {
        // The control for the test above: the bound, not the server, is what serialises.
        let pki = try sharedPKI()
        try await withTestBus(pki: pki, behaviour: { _ in BusReply(delay: .milliseconds(300)) }) { bus in
            let transport = try makeTransport(pki, maxTransfersPerDestination: 4)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 { group.addTask { _ = try await transport.send(self.get("\(bus.baseURL)/slow")) } }
                try await group.waitForAll()
            }
            #expect(await bus.recorder.maxInFlight > 1)
        }
    }

    @Test func cancellingTheTaskAbortsTheTransfer() async throws {
        let pki = try sharedPKI()
        try await withTestBus(pki: pki, behaviour: { _ in BusReply(delay: .milliseconds(1500)) }) { bus in
            let transport = try makeTransport(pki)
            let task = Task { try await transport.send(self.get("\(bus.baseURL)/slow")) }
            for _ in 0..<200 where await bus.recorder.requests.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
            task.cancel()
            await #expect(throws: CancellationError.self) { try await task.value }
            #expect(transport.load().isEmpty)
        }
    }

    @Test func headerInjectionIsRefusedBeforeSending() async throws {
        let pki = try sharedPKI()
        let request = HTTPRequest(url: "https://127.0.0.1:1/x", headers: [HTTPField("from", "G22\r\nX-Evil: 1")])
        let error = await #expect(throws: RelayFailure.self) { try await makeTransport(pki).send(request) }
        #expect(error?.reasonCode == "relay.invalid_request")
        #expect(error?.disposition == .permanent)
    }
}

extension Result where Failure == RelayFailure {
    var failureReason: String? {
        if case .failure(let failure) = self { failure.reasonCode } else { nil }
    }
}
