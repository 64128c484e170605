import Foundation
import Hummingbird
import HummingbirdTesting
import LibCrypto
import Logging
import ServiceLifecycle
import Store
import Testing
import TestSupport
import XMLDSig
@testable import Gateway

/// The outbound side joined to the daemon's delivery worker: what a unit posts reaches a bus
/// (a real HTTP server on 127.0.0.1) signed and valid, and the unit then sees the real attempt.
@Suite("a unit's document reaches the bus")
struct OutboundDeliveryTests {
    typealias F = OutboundFixture

    /// A VDXP bus that answers OK and hands over each `file_doc` it receives.
    private func bus(port: Int, received: AsyncStream<[UInt8]>.Continuation) -> some Service {
        let router = Router()
        router.post("/vdxp/sendEdoc") { request, context -> Response in
            let body = Array(buffer: try await request.body.collect(upTo: 16 << 20))
            let boundary = MultipartFormData.parameters(request.headers[.contentType] ?? "").values["boundary"] ?? ""
            let file = try MultipartFormData.parse(body, boundary: boundary).first { $0.name == "file_doc" }
            received.yield(file.map { Array($0.body) } ?? [])
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(string: #"{"status":"OK","DocId":"bus-1"}"#)))
        }
        var logger = Logger(label: "test-bus")
        logger.logLevel = .critical
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: logger)
    }

    @Test("posted as JSON, delivered to each recipient signed; GET then shows the delivery and its attempt")
    func postedDocumentIsDelivered() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let pki = try F.pki.get()
        _ = try pki.write(to: directory.file("pki"))
        let busPort = freeLoopbackPort()
        var text = ConfigurationText()
        text.organIds = [F.office.organId]
        text.signing = "key_file = \"pki/org-\(F.office.organId).key\"\ncertificate_file = \"pki/org-\(F.office.organId).pem\""
        text.busURL = "http://127.0.0.1:\(busPort)/vdxp"
        text.units = [(F.office.name, UnitAuthenticator.tokenHashHex(F.office.token), [F.office.organId])]
        // Generous timeouts: with the whole suite on two cores a transfer can stall for seconds,
        // and a first attempt that timed out would be retried only at the hour-long poll.
        text.extra = "[relay]\npoll_interval = \"1h\"\nconnect_timeout = \"20s\"\ntotal_timeout = \"60s\"\n"
        try text.write(to: directory.file("gateway.toml"))
        let configuration = try GatewayConfiguration.load(contentsOf: directory.file("gateway.toml"))
        let parts = try GatewayParts.load(configuration, environment: [:])
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let services = try GatewayAssembly.services(for: parts, logger: logger)
        let verifier = SignatureVerifier(trust: try TrustStore(anchors: [pki.root.certificate], crls: [pki.crl]))

        let (received, receivedContinuation) = AsyncStream.makeStream(of: [UInt8].self)
        let group = ServiceGroup(configuration: .init(services: services.workers + [bus(port: busPort, received: receivedContinuation)],
                                                      logger: logger))
        let app = Application(router: GatewayRouters.unitAPI(configuration: configuration, services: services))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            // Submitted once the bus listens: a failed first attempt would wait for the hour-long poll.
            try #require(await waitForLoopbackListener(port: busPort), "the test bus listens")
            let deadline = Task {
                try? await Task.sleep(for: .seconds(90))   // bounds the waits below if nothing arrives
                receivedContinuation.finish()
            }
            defer { deadline.cancel() }
            try await app.test(.router) { client in
                let (status, response) = try await OutboundHistoryTests.submit(client)
                #expect(status == .accepted)
                let receipt = try F.decode(OutboundReceipt.self, response)

                var iterator = received.makeAsyncIterator()
                for _ in F.recipients {
                    let envelope = try #require(await iterator.next(), "the bus received nothing")
                    let verdict = verifier.verify(envelope)
                    #expect(verdict.outcome == .valid, "\(verdict.diagnostics)")
                    #expect(String(decoding: envelope, as: UTF8.self).contains(receipt.documentId))
                }
                var document: Gateway.OutboundDocument?
                for _ in 0..<200 {
                    document = try F.decode(Gateway.OutboundDocument.self,
                                            try await OutboundHistoryTests.get(client, "/v1/documents/\(receipt.id)"))
                    if document?.state == "delivered" { break }
                    try await Task.sleep(for: .milliseconds(50))
                }
                #expect(document?.state == "delivered")
                #expect(document?.deliveries.map(\.state) == ["delivered", "delivered"])
                // The relay reports a delivery without its HTTP status (TransferOutcome.delivered).
                #expect(document?.attempts.map(\.outcome) == ["delivered", "delivered"])
                #expect(Set(document?.attempts.compactMap(\.to) ?? []) == Set(F.recipients))
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}
