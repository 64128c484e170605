import Foundation
import Logging
import Relay
import ServiceLifecycle
import Store
import Synchronization
import TestSupport

/// A real `SQLiteStore` in a temporary directory, the signal producers nudge, and delivery
/// workers run in a `ServiceGroup` the way the daemon runs them. Every attempt a worker reports
/// and every log line it writes are kept for the test.
final class DeliveryHarness: Sendable {
    static let sender = "000.00.00.G22"
    static let recipient = "000.00.00.H41"
    /// Retries come quickly so a test of a failing bus stays short.
    static let fastRetry = RetryPolicy(base: .milliseconds(20), cap: .milliseconds(50), maxAttempts: 5, maxAge: .seconds(600))

    let directory: TemporaryDirectory
    let store: SQLiteStore
    let signal = DeliverySignal()
    let attempts = Observations<DeliveryAttempt>()
    let logs = Observations<LogLine>()

    init(retry: RetryPolicy = DeliveryHarness.fastRetry) throws {
        directory = try TemporaryDirectory(prefix: "lienthong-delivery")
        store = try SQLiteStore(directory: directory.url,
                                options: StoreOptions(durability: .normal, policy: QueuePolicy(defaultRetry: retry)))
    }

    deinit { directory.remove() }

    /// Queues one message and returns its id; the producer's nudge is the caller's choice.
    func enqueue(to destination: String = DeliveryHarness.recipient, kind: String = "edoc",
                 documentID: String = UUID().uuidString, envelope: [UInt8] = sampleEdxml) async throws -> String {
        let receipt = try await store.enqueue(OutboundSubmission(documentID: documentID, from: Self.sender, to: [destination],
                                                                 subject: "test", kind: kind, envelope: Data(envelope)))
        return receipt.messages[0].messageID
    }

    func worker(_ deliverer: any Deliverer, configuration: DeliveryWorkerConfiguration = .init(pollInterval: .milliseconds(200)),
                store: (any MessageStore)? = nil) -> DeliveryWorker {
        var logger = Logger(label: "delivery-test") { _ in RecordingLogHandler(sink: self.logs) }
        logger.logLevel = .debug
        let attempts = self.attempts
        return DeliveryWorker(store: store ?? self.store, deliverer: deliverer, signal: signal, configuration: configuration,
                              logger: logger, onAttempt: { attempts.append($0) })
    }

    func state(of id: String) async throws -> MessageState {
        try await store.detail(ofMessage: id).message.state
    }
}

/// A worker running in its own service group until `stop()` (a graceful shutdown).
struct RunningWorker {
    let group: ServiceGroup
    let task: Task<Void, any Error>

    init(_ worker: DeliveryWorker) {
        var logger = Logger(label: "delivery-test-group")
        logger.logLevel = .critical
        let group = ServiceGroup(configuration: .init(services: [worker], logger: logger))
        self.group = group
        task = Task { try await group.run() }
    }

    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
    }
}

/// Runs a worker for the duration of `body`, then shuts it down gracefully.
func withWorker<T>(_ worker: DeliveryWorker, _ body: () async throws -> T) async throws -> T {
    let running = RunningWorker(worker)
    do {
        let result = try await body()
        try await running.stop()
        return result
    } catch {
        try? await running.stop()
        throw error
    }
}

struct LogLine: Sendable {
    let level: Logger.Level
    let message: String
    let metadata: [String: String]
}

struct RecordingLogHandler: LogHandler {
    let sink: Observations<LogLine>
    var logLevel: Logger.Level = .debug
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        sink.append(LogLine(level: event.level, message: "\(event.message)", metadata: merged.mapValues { "\($0)" }))
    }
}
