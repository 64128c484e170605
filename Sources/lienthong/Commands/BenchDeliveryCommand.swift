import ArgumentParser
import Foundation
import Logging
import Relay
import ServiceLifecycle
import Store
import Synchronization

/// `lienthong bench delivery`: queued messages driven through the delivery worker (claim, read
/// the envelope, sendEdoc over mutual TLS to a local bus, report the attempt) until every one is
/// delivered; the reference, in the same run, is as many bare `sendEdoc` calls at the same
/// concurrency, so the difference is what the queue costs per message.
struct BenchDeliveryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delivery",
        abstract: "Messages per second through the delivery worker, beside bare sendEdoc calls.")

    @Option(help: "Messages queued, then delivered.")
    var messages = 2000

    @Option(help: "The worker's concurrency (also the bare calls' and the per-destination bound).")
    var concurrency = 4

    @Option(help: "Envelope size in bytes.")
    var envelopeBytes = 16 * 1024

    @Option(help: "The store's durability: full (WAL synced, blobs fsynced) or normal.")
    var durability = "full"

    func validate() throws {
        guard messages > 0, concurrency > 0, envelopeBytes > 0 else {
            throw ValidationError("--messages, --concurrency and --envelope-bytes must be positive")
        }
        guard Durability(rawValue: durability) != nil else { throw ValidationError("--durability is full or normal") }
    }

    func run() async throws {
        let pki = try BenchRelayPKI.make()
        defer { pki.remove() }
        let server = try await BenchRelayServer.start(pki: pki)
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-bench-delivery-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try SQLiteStore(directory: root, options: StoreOptions(durability: Durability(rawValue: durability)!))
        let envelope = [UInt8]((0..<envelopeBytes).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        let client = try makeClient(pki: pki, port: server.port)

        // Queued before the clock starts: this measures delivery, not enqueueing (see `bench queue`).
        for index in 0..<messages {
            var bytes = envelope
            bytes.append(contentsOf: Array("<!-- \(index) -->".utf8))   // distinct blobs, as real traffic has
            _ = try await store.enqueue(OutboundSubmission(documentID: "bench-\(index)", from: "000.00.00.G22",
                                                           to: ["000.00.00.H41"], envelope: Data(bytes)))
        }
        _ = try await bare(client: client, envelope: envelope, count: 50)   // warm-up: connections, TLS sessions
        let worker = try await throughWorker(store: store, client: client)
        let reference = try await bare(client: client, envelope: envelope, count: messages)
        await server.stop()

        print("\(messages) messages of \(envelopeBytes) bytes, concurrency \(concurrency), store durability \(durability), sendEdoc over mutual TLS to a local bus")
        print(String(format: "  delivery worker (claim, envelope, sendEdoc, complete)  %8.0f messages/s  (%.2f s)",
                     Double(messages) / worker.seconds, worker.seconds))
        print(String(format: "  bare sendEdoc calls (reference)                       %8.0f calls/s     (%.2f s)",
                     Double(messages) / reference.seconds, reference.seconds))
    }

    private func makeClient(pki: BenchRelayPKI, port: Int) throws -> VDXPClient {
        let transport = try CurlHTTPTransport(configuration: TransportConfiguration(
            tls: MutualTLS(trustedCA: .file(pki.ca.path), clientCertificate: .file(pki.clientCertificate.path),
                           clientKey: .file(pki.clientKey.path)),
            maxTransfersPerDestination: concurrency))
        return VDXPClient(transport: transport, configuration: VDXPConfiguration(baseURL: "https://127.0.0.1:\(port)/vdxp"))
    }

    /// Runs a worker until every queued message was reported delivered; the elapsed time.
    private func throughWorker(store: SQLiteStore, client: VDXPClient) async throws -> Duration {
        let target = messages
        let progress = Mutex<(delivered: Int, failed: Int, done: CheckedContinuation<Void, Never>?)>((0, 0, nil))
        let finished: @Sendable () -> Void = {
            progress.withLock { state in
                defer { if state.delivered + state.failed >= target { state.done = nil } }
                return state.delivered + state.failed >= target ? state.done : nil
            }?.resume()
        }
        var logger = Logger(label: "bench-delivery")
        logger.logLevel = .critical
        let signal = DeliverySignal()
        let worker = DeliveryWorker(
            store: store, deliverer: BusDeliverer(client: client), signal: signal,
            configuration: DeliveryWorkerConfiguration(name: "bench", concurrency: concurrency, pollInterval: .seconds(1)),
            logger: logger,
            onAttempt: { attempt in
                progress.withLock { attempt.delivered ? ($0.delivered += 1) : ($0.failed += 1) }
                finished()
            })
        let group = ServiceGroup(configuration: .init(services: [worker], logger: logger))
        let clock = ContinuousClock()
        let start = clock.now
        let running = Task { try await group.run() }
        await withCheckedContinuation { continuation in
            progress.withLock { $0.done = continuation }
            finished()
        }
        let elapsed = clock.now - start
        await group.triggerGracefulShutdown()
        try await running.value
        let failed = progress.withLock { $0.failed }
        guard failed == 0 else {
            throw CommandFailure.unavailable("bench.delivery_failed", "\(failed) of \(messages) attempts failed")
        }
        return elapsed
    }

    private func bare(client: VDXPClient, envelope: [UInt8], count: Int) async throws -> Duration {
        let clock = ContinuousClock()
        let start = clock.now
        let lanes = min(concurrency, count)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0..<lanes {
                let share = count / lanes + (lane < count % lanes ? 1 : 0)
                group.addTask {
                    for _ in 0..<share {
                        let outcome = await client.deliver(envelope, from: "000.00.00.G22", to: ["000.00.00.H41"])
                        guard case .delivered = outcome else {
                            throw CommandFailure.unavailable(outcome.reasonCode, "a bench call failed: \(outcome)")
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        return clock.now - start
    }
}
