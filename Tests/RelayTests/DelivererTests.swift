import Foundation
import Relay
import Store
import Testing

/// The webhook deliverer and the router, over the real transport to the HTTPS test server.
@Suite struct DelivererTests {
    private let harness: DeliveryHarness

    init() throws { harness = try DeliveryHarness() }

    /// A message as the store hands it to a deliverer.
    private func message(to destination: String, documentID: String = "inbox-0001", kind: String = "webhook") async throws -> OutboundMessage {
        let id = try await harness.enqueue(to: destination, kind: kind, documentID: documentID)
        return try await harness.store.detail(ofMessage: id).message
    }

    @Test func theWebhookGetsTheEnvelopeAsReceivedWithTheInboxID() async throws {
        let pki = try sharedPKI()
        try await withTestBus(pki: pki, behaviour: { _ in BusReply(status: 204) }) { server in
            let webhooks = WebhookDeliverer(transport: try makeTransport(pki),
                                            urls: ["office": "https://127.0.0.1:\(server.port)/hooks/lienthong"])
            let outcome = await webhooks.deliver(try await message(to: "webhook:office", documentID: "01J-INBOX"), envelope: sampleEdxml)
            #expect(outcome == .delivered(busDocId: nil, httpStatus: 204))
            let request = try #require(await server.recorder.requests.first)
            #expect(request.method == "POST")
            #expect(request.path == "/hooks/lienthong")
            #expect(request.header("Content-Type") == "application/xml")
            #expect(request.header("X-Lienthong-Inbox-Id") == "01J-INBOX")
            #expect(request.body == sampleEdxml)
        }
    }

    @Test func aWebhookAnswerIsClassifiedForTheRetryPolicy() async throws {
        let pki = try sharedPKI()
        try await withTestBus(pki: pki, behaviour: { request in
            request.path.hasSuffix("/busy") ? .json("", status: 503, headers: [("Retry-After", "30")]) : .json("no", status: 404)
        }) { server in
            let webhooks = WebhookDeliverer(transport: try makeTransport(pki), urls: [
                "busy": "https://127.0.0.1:\(server.port)/busy", "gone": "https://127.0.0.1:\(server.port)/gone",
            ])
            let busy = await webhooks.deliver(try await message(to: "webhook:busy"), envelope: sampleEdxml)
            #expect(busy.reasonCode == "relay.http_5xx")
            if case .retryable(_, let after) = busy { #expect(after == .seconds(30)) } else { Issue.record("\(busy)") }
            let gone = await webhooks.deliver(try await message(to: "webhook:gone"), envelope: sampleEdxml)
            #expect(gone == .permanent(try #require(gone.failure)))
            #expect(gone.failure?.httpStatus == 404)
            let unknown = await webhooks.deliver(try await message(to: "webhook:nobody"), envelope: sampleEdxml)
            #expect(unknown.reasonCode == "relay.no_route")
            #expect(await server.recorder.requests.count == 2)
        }
    }

    @Test func theRouterSendsWebhooksToUnitsAndTheRestToTheBus() async throws {
        let pki = try sharedPKI()
        let document = try await harness.enqueue(to: "000.00.00.H41", kind: "edoc")
        let copy = try await harness.enqueue(to: "webhook:office", kind: "webhook", documentID: "01J-INBOX")
        try await withTestBus(pki: pki, behaviour: { _ in okReply }) { server in
            let transport = try makeTransport(pki)
            let router = RoutingDeliverer(
                routes: [(WebhookDeliverer.destinationPrefix,
                          WebhookDeliverer(transport: transport, urls: ["office": "https://127.0.0.1:\(server.port)/hook"]))],
                default: BusDeliverer(client: VDXPClient(transport: transport, configuration: VDXPConfiguration(baseURL: server.baseURL))))
            try await withWorker(harness.worker(router)) {
                await harness.attempts.waitFor(2)
            }
            let paths = await server.recorder.requests.map(\.path).sorted()
            #expect(paths == ["/hook", "/vdxp/sendEdoc"])
        }
        #expect(try await harness.state(of: document) == .delivered)
        #expect(try await harness.state(of: copy) == .delivered)
    }

    /// The bus's `hash-file` is the digest the store named the envelope by when it kept it, not one
    /// taken again from the bytes read back: a change at rest reaches the bus as a mismatch.
    @Test func theBusIsToldTheDigestTheEnvelopeWasStoredUnder() async throws {
        let pki = try sharedPKI()
        let stored = try await message(to: "000.00.00.H41", kind: "edoc")
        #expect(stored.blobSHA256 == (try opensslDigestHex(["dgst", "-sha256"], stdin: Data(sampleEdxml))))
        try await withTestBus(pki: pki, behaviour: { _ in okReply }) { server in
            let bus = BusDeliverer(client: VDXPClient(transport: try makeTransport(pki), configuration: VDXPConfiguration(baseURL: server.baseURL)))
            let changedAtRest = sampleEdxml + Array(" ".utf8)
            let outcome = await bus.deliver(stored, envelope: changedAtRest)
            #expect(outcome.failure == nil, "\(outcome)")
            let request = try #require(await server.recorder.requests.first)
            #expect(request.header("hash-file") == stored.blobSHA256)
            #expect(request.header("hash-file") != (try opensslDigestHex(["dgst", "-sha256"], stdin: Data(changedAtRest))))
        }
    }

    @Test func withoutARouteAMessageIsDeadNotLost() async throws {
        let router = RoutingDeliverer(routes: [], default: nil)
        let outcome = await router.deliver(try await message(to: "000.00.00.H41", kind: "edoc"), envelope: [])
        #expect(outcome.reasonCode == "relay.no_route")
        #expect(outcome.failure?.isRetryable == false)
    }
}
