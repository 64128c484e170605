import Foundation
import Gateway
import Hummingbird
import Logging
import ServiceLifecycle
import Store
import Synchronization
import Testing
import TestSupport

/// `lienthong serve` as a real process: SIGTERM while a document is on its way to the bus gives
/// the message back to the queue, and the next start delivers it once.
@Suite("serve: delivery across a restart")
struct ServeDeliveryTests {
    /// A plain-HTTP VDXP bus that holds `sendEdoc` until `answering` is set (at most 30 s) and
    /// reports each arrival; every other call gets an empty OK.
    final class HoldingBus: Sendable {
        let port = freeLoopbackPort()
        let answering = Mutex(false)
        let arrivals: AsyncStream<Void>
        private let arrived: AsyncStream<Void>.Continuation

        init() { (arrivals, arrived) = AsyncStream.makeStream() }

        func application() -> some Service {
            let router = Router()
            router.post("/vdxp/{call}") { _, context -> Response in
                var body = #"{"status":"OK","data":[]}"#
                if context.parameters.get("call") == "sendEdoc" {
                    self.arrived.yield()
                    for _ in 0..<600 where !self.answering.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(50)) }
                    body = #"{"status":"OK","DocId":"bus-1"}"#
                }
                return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
            }
            var logger = Logger(label: "holding-bus")
            logger.logLevel = .critical
            return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: logger)
        }

        /// The next arrival, or false after 30 s.
        func nextArrival() async -> Bool {
            await withTaskGroup(of: Bool.self) { group in
                group.addTask { for await _ in self.arrivals { return true }; return false }
                group.addTask { try? await Task.sleep(for: .seconds(30)); return false }
                let first = await group.next() ?? false
                group.cancelAll()
                return first
            }
        }
    }

    @Test("SIGTERM mid-transfer releases the message; the next start delivers it once")
    func releaseOnSIGTERMThenDeliverOnRestart() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let bus = HoldingBus()
        var text = ConfigurationText()
        text.unitPort = freeLoopbackPort()
        text.busURL = "http://127.0.0.1:\(bus.port)/vdxp"
        text.extra = "[relay]\npoll_interval = \"100ms\"\nshutdown_grace = \"0s\"\n"
        let file = directory.file("gateway.toml")
        try text.write(to: file)

        let storeDirectory = directory.file("store")
        let id = try await SQLiteStore(directory: storeDirectory).enqueue(OutboundSubmission(
            documentID: "doc-1", from: "000.00.00.G22", to: ["000.00.00.H41"], envelope: Data("<edXML/>".utf8)))
            .messages[0].messageID

        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let group = ServiceGroup(configuration: .init(services: [bus.application()], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            defer { bus.answering.withLock { $0 = true } }
            try #require(await waitForLoopbackListener(port: bus.port), "the test bus listens before the daemon starts")

            let first = try DaemonProcess(configuration: file, directory: directory.url)
            #expect(await bus.nextArrival(), "the first daemon sends the queued document")
            #expect(await first.stop(signal: SIGTERM) == 0, "\(first.stderr)")
            let released = try await SQLiteStore(directory: storeDirectory).detail(ofMessage: id)
            #expect(released.message.state == .queued)
            #expect(released.attempts.map(\.outcome) == [.released])
            #expect(first.stderr.contains("message_id=\(id)"), "\(first.stderr)")

            bus.answering.withLock { $0 = true }
            let second = try DaemonProcess(configuration: file, directory: directory.url)
            #expect(await bus.nextArrival(), "the restarted daemon sends it again")
            let store = try SQLiteStore(directory: storeDirectory)
            var state = MessageState.queued
            for _ in 0..<300 where state != .delivered {
                state = try await store.detail(ofMessage: id).message.state
                if state != .delivered { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(await second.stop(signal: SIGTERM) == 0, "\(second.stderr)")
            let detail = try await store.detail(ofMessage: id)
            #expect(detail.message.state == .delivered)
            #expect(detail.attempts.map(\.outcome) == [.released, .delivered])

            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}
