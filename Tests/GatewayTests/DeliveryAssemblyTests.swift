import Foundation
import Gateway
import Hummingbird
import Logging
import Relay
import ServiceLifecycle
import Store
import Synchronization
import Testing
import TestSupport

/// The daemon's delivery wiring: `GatewayAssembly` adds a worker that sends what the store
/// queues to the bus named by the configuration, wakes on the parts' signal and counts attempts.
@Suite("delivery in the daemon")
struct DeliveryAssemblyTests {
    /// A plain-HTTP VDXP bus on 127.0.0.1 that answers OK and reports each `to` header it receives.
    private func bus(port: Int, received: AsyncStream<String>.Continuation) -> some Service {
        let router = Router()
        router.post("/vdxp/sendEdoc") { request, _ -> Response in
            received.yield(request.headers[.init("to")!] ?? "")
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(string: #"{"status":"OK","DocId":"bus-1"}"#)))
        }
        var logger = Logger(label: "test-bus")
        logger.logLevel = .critical
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: logger)
    }

    @Test("a queued document reaches the bus of the configuration; the attempt is counted")
    func queuedDocumentIsDelivered() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let busPort = freeLoopbackPort()
        var text = ConfigurationText()
        text.unitPort = freeLoopbackPort()
        text.busURL = "http://127.0.0.1:\(busPort)/vdxp"
        text.extra = "[relay]\nconcurrency = 2\npoll_interval = \"1h\"\nconnect_timeout = \"2s\"\ntotal_timeout = \"10s\"\n"
        try text.write(to: directory.file("gateway.toml"))
        let configuration = try GatewayConfiguration.load(contentsOf: directory.file("gateway.toml"))
        #expect(configuration.relay.concurrency == 2)
        #expect(configuration.relay.pollInterval == .seconds(3600))

        let parts = try GatewayParts.load(configuration, environment: [:])
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let services = try GatewayAssembly.services(for: parts, logger: logger)
        let delivery = services.workers.filter { $0 is DeliveryWorker }
        #expect(delivery.count == 1)

        let (received, receivedContinuation) = AsyncStream.makeStream(of: String.self)
        let group = ServiceGroup(configuration: .init(services: delivery + [bus(port: busPort, received: receivedContinuation)],
                                                      logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            // Queued once the bus listens (a retry would wait for the hour-long poll); with that
            // poll, only the nudge can wake the worker.
            try #require(await waitForLoopbackListener(port: busPort), "the test bus listens")
            let receipt = try await parts.store.enqueue(OutboundSubmission(
                documentID: "doc-1", from: "000.00.00.G22", to: ["000.00.00.H41"], envelope: Data("<edXML/>".utf8)))
            let id = try #require(receipt.messages.first?.messageID)
            parts.deliverySignal.nudge()
            let deadline = Task {
                try? await Task.sleep(for: .seconds(30))   // bounds the wait below if nothing arrives
                receivedContinuation.finish()
            }
            defer { deadline.cancel() }
            var iterator = received.makeAsyncIterator()
            #expect(await iterator.next() == #"["000.00.00.H41"]"#)
            var state = MessageState.queued
            for _ in 0..<200 where state != .delivered {
                state = try await parts.store.detail(ofMessage: id).message.state
                if state != .delivered { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(state == .delivered)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        let exposition = try await parts.metrics.scrape(store: nil, certificates: nil)
        #expect(exposition.contains(#"lienthong_deliveries_total{destination="000.00.00.H41"} 1"#), "\(exposition)")
    }

    @Test("[relay] values are checked and named")
    func relaySettingsAreChecked() throws {
        var text = ConfigurationText()
        text.extra = "[relay]\ntotal_timeout = \"1s\"\nconnect_timeout = \"5s\"\n"
        #expect {
            try GatewayConfiguration.parse(text.text, file: URL(fileURLWithPath: "/tmp/gateway.toml"))
        } throws: { error in
            "\(error)".contains("relay.total_timeout")
        }
        text.extra = "[relay]\nworkers = 3\n"
        #expect {
            try GatewayConfiguration.parse(text.text, file: URL(fileURLWithPath: "/tmp/gateway.toml"))
        } throws: { error in
            "\(error)".contains("relay.workers")
        }
        text.extra = ""
        let defaults = try GatewayConfiguration.parse(text.text, file: URL(fileURLWithPath: "/tmp/gateway.toml"))
        #expect(defaults.relay == .default)
    }
}
