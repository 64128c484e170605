import Foundation
import Gateway
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import ServiceLifecycle
import Synchronization
import Testing
import TestSupport

@Suite("graceful shutdown")
struct GracefulShutdownTests {
    /// What happened, in order, across the request, the listener and the worker.
    final class Events: Sendable {
        let entries = Mutex<[String]>([])
        func record(_ event: String) { entries.withLock { $0.append(event) } }
        var all: [String] { entries.withLock { $0 } }
    }

    /// An outbound seam whose submit takes a while, so a shutdown can start while it runs.
    struct SlowOutbound: OutboundService {
        let events: Events
        let started: AsyncStream<Void>.Continuation

        func submit(_ submission: UnitSubmission, by unit: AuthenticatedUnit, logger: Logger) async throws -> OutboundReceipt {
            events.record("request started")
            started.yield()
            try await Task.sleep(for: .milliseconds(400))
            events.record("request finished")
            return OutboundReceipt(id: "m-1", documentId: "d-1")
        }
        func document(id: String, for unit: AuthenticatedUnit) async throws -> OutboundDocument? { nil }
        func documents(state: String?, cursor: String?, limit: Int, for unit: AuthenticatedUnit) async throws -> Page<OutboundSummary> {
            Page(items: [], next: nil)
        }
        func recall(id: String, reason: String, by unit: AuthenticatedUnit, logger: Logger) async throws -> OutboundDocument? { nil }
    }

    /// A worker that runs until the shutdown reaches it.
    struct Worker: Service {
        let events: Events
        func run() async throws {
            try? await gracefulShutdown()
            events.record("worker stopped")
        }
    }

    @Test("a shutdown lets the in-flight request finish, then stops the workers")
    func drainsThenStopsWorkers() async throws {
        var text = ConfigurationText()
        text.unitPort = freeLoopbackPort()
        text.units = [("office", UnitAuthenticator.tokenHashHex("tok"), ["000.00.00.G22"])]
        let configuration = try GatewayConfiguration.parse(text.text, file: URL(fileURLWithPath: "/tmp/gateway.toml"))
        let port = text.unitPort
        let events = Events()
        let (started, startedContinuation) = AsyncStream.makeStream(of: Void.self)
        let services = GatewayServices(outbound: SlowOutbound(events: events, started: startedContinuation),
                                       workers: [Worker(events: events)])
        let group = try GatewayDaemon(configuration: configuration, services: services,
                                      logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })).makeServiceGroup()

        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            tasks.addTask {
                let headers: HTTPFields = [.authorization: "Bearer tok", .contentType: "application/json"]
                var answer: TestClient.Response?
                for _ in 0..<100 where answer == nil {
                    answer = try? await TestClient.withClient(host: "127.0.0.1", port: port) { client in
                        try await client.post("/v1/documents", headers: headers, body: ByteBuffer(string: "{}"))
                    }
                    if answer == nil { try await Task.sleep(for: .milliseconds(100)) }
                }
                #expect(answer?.status == .accepted)
                events.record("response received")
            }
            tasks.addTask {
                for await _ in started { break }
                events.record("shutdown triggered")
                await group.triggerGracefulShutdown()
            }
            try await tasks.waitForAll()
        }
        let all = events.all
        #expect(all.first == "request started")
        #expect(all.firstIndex(of: "request finished")! < all.firstIndex(of: "worker stopped")!, "\(all)")
        #expect(all.contains("response received"), "\(all)")
        #expect(all.firstIndex(of: "shutdown triggered")! < all.firstIndex(of: "request finished")!, "\(all)")
    }
}
