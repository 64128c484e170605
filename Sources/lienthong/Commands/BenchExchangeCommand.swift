import ArgumentParser
import Foundation
import Gateway
import Logging
import Relay
import Store

/// `lienthong bench exchange`: documents per second from submission at agency A's unit API to
/// arrival in agency B's inbox, through the demo network (signed at A, verified at the bus and at
/// B, durable at each hop, mutual TLS between nodes), with the latency of each leg's percentiles.
/// The nodes run in this process, or with `--processes` as three `lienthong serve` processes.
/// The reference in the same run is the submission leg alone.
struct BenchExchangeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exchange",
        abstract: "End-to-end documents per second between two gateways through the bus.")

    @Option(help: "Small documents (about 4 KB envelope) to send.")
    var documents = 600

    @Option(help: "Documents with a 1 MB attachment to send.")
    var largeDocuments = 40

    @Option(help: "Submissions in flight at once (with --rate: at most).")
    var concurrency = 16

    @Option(help: "Documents per second offered to A (open loop); without it each of --concurrency senders sends its next document when the last is answered.")
    var rate: Double?

    @Flag(help: "Print the figures as JSON.")
    var json = false

    @Flag(help: "Run the bus and the two gateways as three `lienthong serve` processes, as on three machines, instead of in this process.")
    var processes = false

    func validate() throws {
        guard documents >= 0, largeDocuments >= 0, documents + largeDocuments > 0, concurrency > 0, (rate ?? 1) > 0 else {
            throw ValidationError("--documents and --large-documents must not be negative (one positive), --concurrency and --rate positive")
        }
    }

    func run() async throws {
        LoggingSystem.bootstrap { label in LogfmtLogHandler(label: label, level: .critical) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-bench-exchange-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        guard let portBase = LoopbackPorts.freeBlock(count: 16) else {
            throw CommandFailure.unavailable("bench.no_ports", "no block of 16 free loopback ports was found")
        }
        let network = DemoNetwork(directory: directory, portBase: portBase, logger: Logger(label: "lienthong.bench"),
                                  nodeLogLevel: .warning)
        let nodes = processes ? try await BenchExchangeNetwork.separateProcesses(network) : try await BenchExchangeNetwork.inProcess(network)
        let results: [(String, ExchangeFigures)]
        do {
            results = try await measure(nodes)
            await nodes.stop()
        } catch {
            await nodes.stop()
            throw error
        }

        if json {
            let object = Dictionary(uniqueKeysWithValues: results.map { ($0.0, $0.1.json) })
            let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print("unit at \(nodes.ready.gateways[0].organId) → gateway → bus → gateway → inbox of \(nodes.ready.gateways[1].organId)"
                  + (processes ? " (three processes), " : " (one process), ")
                  + (rate.map { "\($0) documents/s offered, at most \(concurrency) in flight" } ?? "concurrency \(concurrency)"))
            for (label, figures) in results { print(figures.lines(label: label)) }
        }
    }

    private func measure(_ nodes: BenchExchangeNetwork) async throws -> [(String, ExchangeFigures)] {
        let run = try ExchangeRun(sender: nodes.ready.gateways[0], recipient: nodes.ready.gateways[1], inbox: nodes.inbox,
                                  concurrency: concurrency, cpuSeconds: nodes.cpuSeconds)
        _ = try await run.measure(count: 20, attachmentBytes: 0)   // warm-up: connections, caches
        var results: [(String, ExchangeFigures)] = []
        if documents > 0 { results.append(("4 KB documents", try await run.measure(count: documents, attachmentBytes: 0, rate: rate))) }
        if largeDocuments > 0 {
            results.append(("1 MB attachment", try await run.measure(count: largeDocuments, attachmentBytes: 1 << 20)))
        }
        return results
    }
}

/// One measured batch: submission latency (POST until 202, the message durable at A), and
/// arrival latency (202 until B's store holds it, read from B's own `receivedAt`).
struct ExchangeFigures {
    let count: Int
    let elapsed: Duration
    /// CPU used while the batch ran (until the last arrival was seen), the whole process.
    let cpuSeconds: Double
    let submission: [Double]
    let arrival: [Double]

    var perSecond: Double { Double(count) / elapsed.seconds }
    var cpuMillisecondsPerDocument: Double { cpuSeconds * 1000 / Double(count) }

    static func percentile(_ values: [Double], _ p: Double) -> Double {
        values.isEmpty ? 0 : values[min(values.count - 1, Int(Double(values.count) * p))]
    }

    func lines(label: String) -> String {
        let p = Self.percentile
        return "  \(label): \(count) documents in \(String(format: "%.2f", elapsed.seconds)) s = "
            + String(format: "%.0f documents/s end to end, %.1f ms of CPU per document (all three nodes)\n", perSecond, cpuMillisecondsPerDocument)
            + String(format: "    submission → durable at A (202): p50 %6.1f ms  p99 %6.1f ms\n", p(submission, 0.5), p(submission, 0.99))
            + String(format: "    submission → in B's inbox:        p50 %6.1f ms  p99 %6.1f ms", p(arrival, 0.5), p(arrival, 0.99))
    }

    var json: [String: Any] {
        ["documents": count, "seconds": elapsed.seconds, "documentsPerSecond": perSecond,
         "cpuMillisecondsPerDocument": cpuMillisecondsPerDocument,
         "submitP50Milliseconds": Self.percentile(submission, 0.5), "submitP99Milliseconds": Self.percentile(submission, 0.99),
         "arrivalP50Milliseconds": Self.percentile(arrival, 0.5), "arrivalP99Milliseconds": Self.percentile(arrival, 0.99)]
    }
}
