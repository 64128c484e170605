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
/// The references in the same run are the submission leg alone and, for the machine's speed at
/// the time, `openssl speed rsa2048` before and after the batches: this 2-core machine runs the
/// same binary at 4.4 ms of CPU per document in one hour and 8 ms in another, so a figure is
/// read against the signing speed measured beside it.
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

    @Option(name: .customLong("warm-up"),
            help: "Documents sent first, in the same way as the measured batch, and reported apart (default: 2 s of --rate, else 20).")
    var warmUp: Int?

    @Flag(help: "Print the figures as JSON.")
    var json = false

    @Flag(help: "Run the bus and the two gateways as three `lienthong serve` processes, as on three machines, instead of in this process.")
    var processes = false

    @Option(help: "With --processes: keep every thread of the bus and B at this niceness (1 to 19), so A's work is served first, as when A has a machine of its own. The documents per second still need all three nodes on these cores.")
    var niceOthers: Int?

    @Option(help: ArgumentHelp("Where the nodes' stores go, each run in a new folder inside it that is removed afterwards (default: the temporary directory). The acknowledgement latency depends on the disk's syncs: measure on the disk the stores will use.", valueName: "dir"))
    var data: String?

    @Flag(inversion: .prefixedNo, help: "Measure the machine's speed with `openssl speed rsa2048` before and after the batches (about 4 s).")
    var reference = true

    @Option(help: ArgumentHelp("Write every submission of every batch to this CSV file (batch, seconds after the batch's first send, acknowledgement ms, arrival ms), to read the latencies over the run's course or pooled over runs.", valueName: "file"))
    var latencies: String?

    func validate() throws {
        guard documents >= 0, largeDocuments >= 0, documents + largeDocuments > 0, concurrency > 0, (rate ?? 1) > 0,
              (warmUp ?? 0) >= 0, (niceOthers ?? 1) >= 1, (niceOthers ?? 1) <= 19 else {
            throw ValidationError("--documents, --large-documents and --warm-up must not be negative (one of the first two positive), --concurrency and --rate positive, --nice-others from 1 to 19")
        }
        var isDirectory: ObjCBool = false
        if let data, !(FileManager.default.fileExists(atPath: data, isDirectory: &isDirectory) && isDirectory.boolValue) {
            throw ValidationError("--data \(data) is not a directory")
        }
        // Checked before a run of minutes, not after it.
        if let latencies {
            let folder = URL(fileURLWithPath: latencies).deletingLastPathComponent().path
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("--latencies \(latencies): there is no directory \(folder)")
            }
        }
        if niceOthers != nil && !processes {
            throw ValidationError("--nice-others needs --processes: in one process the nodes share their threads")
        }
    }

    func run() async throws {
        LoggingSystem.bootstrap { label in LogfmtLogHandler(label: label, level: .critical) }
        let parent = data.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? FileManager.default.temporaryDirectory
        // Before the nodes start and after they stop, so neither run competes with them.
        let speedBefore = reference ? OpenSSLSpeed.rsa2048(seconds: 1) : nil
        let (directory, nodes) = try await startNodes(in: parent)
        defer { try? FileManager.default.removeItem(at: directory) }
        let warmUpFigures: ExchangeFigures?
        let results: [(String, ExchangeFigures)]
        let niceness: NodeNiceness?
        do {
            (warmUpFigures, results) = try await measure(nodes)
            // Read after the batch, so it tells the niceness the nodes' threads were kept at
            // through the run, not just at start.
            niceness = nodes.niceness()
            await nodes.stop()
        } catch {
            await nodes.stop()
            // Interrupted: the signal handler ends the process (see `ExchangeNodeProcesses`),
            // within the 30 s it gives the nodes to stop; bounded in case it cannot.
            for _ in 0..<60 where ExchangeNodeProcesses.interrupted.load(ordering: .sequentiallyConsistent) {
                try? await Task.sleep(for: .seconds(1))
            }
            throw error
        }
        let speed = MachineSpeed(before: speedBefore?.sign, after: reference ? OpenSSLSpeed.rsa2048(seconds: 1)?.sign : nil)
        if let latencies {
            let batches = (warmUpFigures.map { [(ExchangeFigures.warmUpKey, $0)] } ?? []) + results
            let text = ExchangeFigures.recordsHeader + batches.map { label, figures in figures.recordLines(batch: label) }.joined()
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: latencies))
            } catch {
                throw CommandFailure.unavailable("bench.latencies_unwritable", "cannot write --latencies \(latencies): \(error.localizedDescription)")
            }
        }

        if json {
            var object = Dictionary(uniqueKeysWithValues: results.map { ($0.0, $0.1.json(speed: speed)) })
            if let speed = speed.json { object[MachineSpeed.jsonKey] = speed }
            if let warmUpFigures { object[ExchangeFigures.warmUpKey] = warmUpFigures.warmUpJSON }
            if let niceness { object["niceness"] = niceness.json }
            let encoded = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: encoded, as: UTF8.self))
        } else {
            print("unit at \(nodes.ready.gateways[0].organId) → gateway → bus → gateway → inbox of \(nodes.ready.gateways[1].organId)"
                  + (processes ? " (three processes\(niceness.map { "; " + $0.text } ?? "")), " : " (one process), ")
                  + (rate.map { "\($0) documents/s offered, at most \(concurrency) in flight" } ?? "concurrency \(concurrency)"))
            print("stores under \(parent.path) (\(FileSystemKind.name(at: parent.path))), host: \(HostDescription.text())")
            if let line = speed.line { print(line) }
            if let warmUpFigures { print(warmUpFigures.warmUpLine) }
            for (label, figures) in results { print(figures.lines(label: label, speed: speed)) }
        }
    }

    /// The demo network in a new folder of `parent`, on a block of free loopback ports; started
    /// again on another block when a node could not listen (`LoopbackPorts.onFreeBlock`).
    private func startNodes(in parent: URL) async throws -> (URL, BenchExchangeNetwork) {
        do {
            return try await LoopbackPorts.onFreeBlock(count: 16, retryingWhen: { ($0 as? CommandFailure)?.reasonCode == "bench.not_started" }) { portBase in
                let directory = parent.appendingPathComponent("lienthong-bench-exchange-\(UUID().uuidString)")
                let network = DemoNetwork(directory: directory, portBase: portBase, logger: Logger(label: "lienthong.bench"),
                                          nodeLogLevel: .warning)
                do {
                    return (directory, processes ? try await BenchExchangeNetwork.separateProcesses(network, othersNiceness: niceOthers)
                                                 : try await BenchExchangeNetwork.inProcess(network))
                } catch {
                    try? FileManager.default.removeItem(at: directory)
                    throw error
                }
            }
        } catch let failure as LoopbackPorts.NoFreeBlock {
            throw CommandFailure.unavailable("bench.no_ports", "\(failure)")
        }
    }

    /// Documents sent before the measured batch. A first second at full rate opens the nodes'
    /// connections (a mutual-TLS handshake each), their readers and caches: in the session-11
    /// runs most of the submissions slower than the p99 came in that second. The warm-up is
    /// offered in the measured batch's way, so the batch starts from the steady state it reports.
    var warmUpCount: Int { warmUp ?? rate.map { max(20, Int(($0 * 2).rounded())) } ?? 20 }

    private func measure(_ nodes: BenchExchangeNetwork) async throws -> (warmUp: ExchangeFigures?, [(String, ExchangeFigures)]) {
        let run = try ExchangeRun(sender: nodes.ready.gateways[0], recipient: nodes.ready.gateways[1], inbox: nodes.inbox,
                                  concurrency: concurrency, cpu: nodes.cpu)
        let warmUp = warmUpCount > 0 ? try await run.measure(count: warmUpCount, attachmentBytes: 0, rate: rate) : nil
        var results: [(String, ExchangeFigures)] = []
        if documents > 0 { results.append(("4 KB documents", try await run.measure(count: documents, attachmentBytes: 0, rate: rate))) }
        if largeDocuments > 0 {
            results.append(("1 MB attachment", try await run.measure(count: largeDocuments, attachmentBytes: 1 << 20)))
        }
        return (warmUp, results)
    }
}

/// One measured batch: submission latency (POST until 202, the message durable at A), and
/// arrival latency (202 until B's store holds it, read from B's own `receivedAt`).
struct ExchangeFigures {
    let count: Int
    let elapsed: Duration
    /// CPU used while the batch ran (until the last arrival was seen), by the nodes and the bench.
    let cpu: BenchCPUTimes
    /// The same submissions as A's own metrics recorded them (nil where A's `/metrics` was not read).
    let atA: AcknowledgementHistogram?
    /// Each submission in the order sent, for `--latencies`.
    let records: [Record]
    /// The records' latencies, sorted for percentiles.
    let submission: [Double]
    let arrival: [Double]

    init(count: Int, elapsed: Duration, cpu: BenchCPUTimes, atA: AcknowledgementHistogram?, records: [Record]) {
        self.count = count
        self.elapsed = elapsed
        self.cpu = cpu
        self.atA = atA
        self.records = records
        submission = records.map(\.submissionMilliseconds).sorted()
        arrival = records.compactMap(\.arrivalMilliseconds).sorted()
    }

    /// One submission: when it was sent (planned, in the open loop), seconds after the batch's
    /// first; its acknowledgement's latency; and its arrival's, nil when B never showed it.
    struct Record {
        var sentAt: Double
        var submissionMilliseconds: Double
        var arrivalMilliseconds: Double?
    }

    static let recordsHeader = "batch,sent_s,submission_ms,arrival_ms\n"

    /// The records as CSV lines under `recordsHeader`, `batch` naming this batch.
    func recordLines(batch: String) -> String {
        records.map { record in
            "\(batch)," + String(format: "%.6f,%.3f,", record.sentAt, record.submissionMilliseconds)
                + (record.arrivalMilliseconds.map { String(format: "%.3f", $0) } ?? "") + "\n"
        }.joined()
    }

    var perSecond: Double { Double(count) / elapsed.seconds }
    var cpuMillisecondsPerDocument: Double { cpu.total * 1000 / Double(count) }

    /// The CPU per document in RSA-2048 signatures at this run's `openssl speed` (nil when it
    /// was not measured): a figure that moves less with the machine's phase than milliseconds do.
    func cpuInSignatures(at speed: MachineSpeed) -> Double? {
        speed.signsPerSecond.map { cpuMillisecondsPerDocument * $0 / 1000 }
    }

    static func percentile(_ values: [Double], _ p: Double) -> Double {
        values.isEmpty ? 0 : values[min(values.count - 1, Int(Double(values.count) * p))]
    }

    func lines(label: String, speed: MachineSpeed) -> String {
        let p = Self.percentile
        return "  \(label): \(count) documents in \(String(format: "%.2f", elapsed.seconds)) s = "
            + String(format: "%.0f documents/s end to end, %.1f ms of CPU per document (the nodes and the unit)", perSecond, cpuMillisecondsPerDocument)
            + (cpuInSignatures(at: speed).map { String(format: " = %.1f RSA-2048 signatures at this run's openssl speed\n", $0) } ?? "\n")
            + (cpu.perDocumentText(documents: count).map { "    CPU per document: \($0)\n" } ?? "")
            + String(format: "    submission → durable at A (202): p50 %6.1f ms  p99 %6.1f ms\n", p(submission, 0.5), p(submission, 0.99))
            + (atALine.map { "    \($0)\n" } ?? "")
            + String(format: "    submission → in B's inbox:        p50 %6.1f ms  p99 %6.1f ms", p(arrival, 0.5), p(arrival, 0.99))
    }

    /// A's own histogram: the bucket holding the 99th percentile, and the shares within 10 and 20 ms.
    var atALine: String? {
        guard let atA, let p99 = atA.bound(holding: 0.99) else { return nil }
        let shares = [10.0, 20.0].compactMap { bound in atA.share(within: bound).map { String(format: "%.2f %% within %g ms", 100 * $0, bound) } }
        return "at A's own clock (its /metrics histogram of \(Int(atA.total)) submissions): p99 within "
            + (p99.isFinite ? String(format: "%g ms", p99) : "its largest bucket")
            + (shares.isEmpty ? "" : "; " + shares.joined(separator: ", "))
    }

    static let warmUpKey = "warm-up"

    /// The warm-up's figures, printed so the cold start stays visible; they count in no rate.
    var warmUpLine: String {
        String(format: "  warm-up, not counted: %d documents, submission → durable at A p50 %.1f ms, p99 %.1f ms",
               count, Self.percentile(submission, 0.5), Self.percentile(submission, 0.99))
    }

    var warmUpJSON: [String: Any] {
        ["documents": count, "submitP50Milliseconds": Self.percentile(submission, 0.5),
         "submitP99Milliseconds": Self.percentile(submission, 0.99)]
    }

    func json(speed: MachineSpeed) -> [String: Any] {
        var object: [String: Any] = [
            "documents": count, "seconds": elapsed.seconds, "documentsPerSecond": perSecond,
            "cpuMillisecondsPerDocument": cpuMillisecondsPerDocument,
            "submitP50Milliseconds": Self.percentile(submission, 0.5), "submitP99Milliseconds": Self.percentile(submission, 0.99),
            "arrivalP50Milliseconds": Self.percentile(arrival, 0.5), "arrivalP99Milliseconds": Self.percentile(arrival, 0.99)]
        if let signatures = cpuInSignatures(at: speed) { object["cpuInRSA2048Signatures"] = signatures }
        if let atA { object["submissionsCountedAtA"] = atA.total }
        if let atA, let p99 = atA.bound(holding: 0.99), p99.isFinite { object["submitP99BucketMillisecondsAtA"] = p99 }
        if let share = atA?.share(within: 20) { object["submitShareWithin20MillisecondsAtA"] = share }
        object.merge(cpu.perDocumentJSON(documents: count)) { first, _ in first }
        return object
    }
}

/// The machine's speed in the same run: `openssl speed rsa2048` signatures per second on one
/// core, before the nodes start and after they stop (nil where it was not measured or openssl
/// is missing).
struct MachineSpeed {
    static let jsonKey = "machine reference"

    let before: Double?
    let after: Double?

    /// The mean of what was measured.
    var signsPerSecond: Double? {
        let measured = [before, after].compactMap { $0 }
        return measured.isEmpty ? nil : measured.reduce(0, +) / Double(measured.count)
    }

    var line: String? {
        guard signsPerSecond != nil else { return nil }
        func figure(_ value: Double?) -> String { value.map { String(format: "%.0f", $0) } ?? "–" }
        return "machine reference, same run: openssl speed rsa2048, \(figure(before)) signatures/s on one core before the batches, \(figure(after)) after"
    }

    var json: [String: Double]? {
        guard signsPerSecond != nil else { return nil }
        var object: [String: Double] = [:]
        object["opensslRSA2048SignsPerSecondBefore"] = before
        object["opensslRSA2048SignsPerSecondAfter"] = after
        return object
    }
}
