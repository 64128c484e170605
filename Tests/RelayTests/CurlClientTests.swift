import Foundation
@testable import LibCurl
import Testing

/// The LibCurl wrapper on its own: bodies, methods, headers, limits, against the real test bus.
@Suite struct CurlClientTests {
    private func tls(_ pki: TestPKI) throws -> CurlTLSOptions {
        CurlTLSOptions(trustedCAs: .pem(Array(try Data(contentsOf: pki.caCertificate))),
                       clientCertificate: .file(pki.clientCertificate.path), clientKey: .file(pki.clientKey.path))
    }

    @Test func bytesBodyMethodAndHeadersArriveExactly() async throws {
        let pki = try sharedPKI()
        let body: [UInt8] = [0, 1, 2, 255, 13, 10, 0]
        try await withTestBus(pki: pki, behaviour: { _ in BusReply(status: 201, headers: [("X-Reply", "a: b")], body: [9, 0, 9]) }) { bus in
            let client = try CurlClient()
            let response = try await client.perform(CurlRequest(
                method: "PUT", url: "\(bus.baseURL)/thing", headers: [("X-One", "1"), ("X-One", "2"), ("X-Empty", "")],
                body: .bytes(body), tls: try tls(pki)))
            #expect(response.status == 201)
            #expect(response.header("x-reply") == "a: b")
            #expect(response.body == [9, 0, 9])
            #expect(response.newConnections == 1)
            #expect(response.localPort > 0)
            let request = try #require(await bus.recorder.requests.first)
            #expect(request.method == "PUT")
            #expect(request.body == body)
            #expect(request.headers("X-One") == ["1", "2"])
            #expect(request.headers("X-Empty") == [""], "an empty value is sent, not dropped")
            #expect(request.header("Expect") == nil, "no 100-continue round trip")
            #expect(request.remotePort == response.localPort)
        }
    }

    /// `start`, awaited: the transfer's result and the moment the callback ran.
    private func started(_ client: CurlClient, _ request: CurlRequest) async -> (Result<CurlResponse, CurlError>, ContinuousClock.Instant) {
        await withCheckedContinuation { (continuation: CheckedContinuation<(Result<CurlResponse, CurlError>, ContinuousClock.Instant), Never>) in
            do throws(CurlError) {
                try client.start(request) { result in continuation.resume(returning: (result, ContinuousClock.now)) }
            } catch {
                continuation.resume(returning: (.failure(error), ContinuousClock.now))
            }
        }
    }

    @Test("start calls back on the engine thread with the answer and when it came in")
    func startCallsBackWithTheAnswer() async throws {
        let pki = try sharedPKI()
        let options = try tls(pki)
        try await withTestBus(pki: pki, behaviour: { _ in BusReply(status: 202, body: [1, 2, 3]) }) { bus in
            let client = try CurlClient()
            let before = ContinuousClock.now
            let (result, calledAt) = await started(client, CurlRequest(method: "POST", url: "\(bus.baseURL)/x", body: .bytes([7]), tls: options))
            let response = try result.get()
            #expect(response.status == 202)
            #expect(response.body == [1, 2, 3])
            #expect(response.completedAt > before)
            #expect(response.completedAt <= calledAt)
            #expect(await bus.recorder.requests.first?.body == [7])

            let (refused, _) = await started(client, CurlRequest(url: "http://127.0.0.1:1/closed", connectTimeout: .seconds(2)))
            #expect(throws: CurlError.self) { try refused.get() }
        }
    }

    @Test func emptyPostSendsNoBody() async throws {
        let pki = try sharedPKI()
        try await withTestBus(pki: pki, behaviour: { _ in BusReply() }) { bus in
            let response = try await CurlClient().perform(CurlRequest(method: "POST", url: "\(bus.baseURL)/x", tls: try tls(pki)))
            #expect(response.status == 200)
            #expect(await bus.recorder.requests.first?.body == [])
            #expect(await bus.recorder.requests.first?.header("Content-Length") == "0")
        }
    }

    @Test func oversizedReplyIsCutOff() async throws {
        let pki = try sharedPKI()
        try await withTestBus(pki: pki, behaviour: { _ in BusReply(body: Array(repeating: 65, count: 100_000)) }) { bus in
            let error = await #expect(throws: CurlError.self) {
                try await CurlClient().perform(CurlRequest(url: "\(bus.baseURL)/big", tls: try tls(pki), maxResponseBytes: 10_000))
            }
            #expect(error?.kind == .responseTooLarge)
        }
    }

    @Test func onlyHTTPAndHTTPSAreAccepted() async throws {
        for url in ["file:///etc/passwd", "ftp://127.0.0.1/x", "no scheme", "https://"] {
            let error = await #expect(throws: CurlError.self) { try await CurlClient().perform(CurlRequest(url: url)) }
            #expect(error?.kind == .invalidRequest, "\(url)")
        }
    }

    /// The key connections are reused and bounded by: scheme, lowercased host, explicit port.
    @Test func destinationIsSchemeHostAndPort() throws {
        #expect(try CurlTransfer.destination(of: "https://Bus.Example.VN/api?x=1") == "https://bus.example.vn:443")
        #expect(try CurlTransfer.destination(of: "HTTP://127.0.0.1:8080/a#f") == "http://127.0.0.1:8080")
        #expect(try CurlTransfer.destination(of: "https://user:secret@host:9443") == "https://host:9443")
        #expect(try CurlTransfer.destination(of: "https://[::1]/x") == "https://[::1]:443")
        #expect(try CurlTransfer.destination(of: "https://[::1]:8443/x") == "https://[::1]:8443")
        #expect(throws: CurlError.self) { try CurlTransfer.destination(of: "https:///path") }
        #expect(throws: CurlError.self) { try CurlTransfer.destination(of: "//host/path") }
    }

    @Test func shutdownFailsWaitingTransfers() async throws {
        let pki = try sharedPKI()
        try await withTestBus(pki: pki, behaviour: { _ in BusReply(delay: .milliseconds(1500)) }) { bus in
            let client = try CurlClient(options: CurlClientOptions(maxTransfersPerDestination: 1))
            let request = CurlRequest(url: "\(bus.baseURL)/slow", tls: try tls(pki))
            let first = Task { try await client.perform(request) }
            let second = Task { try await client.perform(request) }
            for _ in 0..<300 where client.load().first?.value.waiting != 1 { try await Task.sleep(for: .milliseconds(10)) }
            #expect(client.load().first?.value.running == 1)
            client.shutdown()
            for task in [first, second] {
                await #expect(throws: CurlError.self) { _ = try await task.value }
            }
        }
    }

    @Test func shutdownReturnsOnceTheEngineHasClosedItsConnections() async throws {
        let client = try CurlClient()
        client.shutdown()
        #expect(client.hasShutDown, "shutdown waits for the engine thread (a process may exit right after)")
        client.shutdown()   // again: returns at once
        await #expect(throws: CurlError.self) {
            _ = try await client.perform(CurlRequest(method: "GET", url: "http://127.0.0.1:9/"))
        }
    }
}
