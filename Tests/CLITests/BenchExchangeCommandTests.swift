import Foundation
import Spawn
import Testing
import TestSupport

/// `lienthong bench exchange`: both ways of offering load, to nodes in the bench's process or in
/// three `serve` processes, deliver every document to B and report it (no timing is asserted:
/// the figures are for docs/PERFORMANCE.md, not for tests).
/// One at a time: each run starts three `serve` processes on a block of ports, and parallel runs
/// overloaded two cores and could draw overlapping blocks.
@Suite(.serialized) struct BenchExchangeCommandTests {
    @Test(arguments: [["--documents", "12", "--no-reference"],
                      ["--documents", "12", "--rate", "40", "--concurrency", "4", "--warm-up", "4", "--no-reference"],
                      ["--documents", "12", "--processes", "--no-reference"],
                      ["--documents", "12", "--rate", "40", "--concurrency", "4", "--warm-up", "4", "--processes", "--no-reference"]])
    func everyDocumentIsSentAndCounted(load: [String]) async throws {
        let figures = try await benchFigures(load)
        let small = try #require(figures["4 KB documents"])
        #expect(small["documents"] == 12)
        #expect((small["submitP99Milliseconds"] ?? 0) > 0, "every submission was timed")
        #expect(small["submissionsCountedAtA"] == 12, "A's own histogram counted the batch's submissions, not the warm-up's")
        #expect((0...1).contains(small["submitShareWithin20MillisecondsAtA"] ?? -1))
        #expect((small["arrivalP99Milliseconds"] ?? 0) >= (small["arrivalP50Milliseconds"] ?? 0))
        #expect((small["cpuMillisecondsPerDocument"] ?? 0) > 0, "the nodes' CPU was counted")
        if load.contains("--processes") {
            let parts = ["Sender", "Bus", "Recipient", "Bench"].map { small["cpuMillisecondsPerDocument\($0)"] }
            #expect(parts.allSatisfy { ($0 ?? 0) > 0 }, "each node's share and the bench's own are reported: \(parts)")
            let sum = parts.compactMap { $0 }.reduce(0, +)
            #expect(abs(sum - (small["cpuMillisecondsPerDocument"] ?? 0)) < 1e-6 * sum, "the shares add up to the whole")
        } else {
            #expect(small["cpuMillisecondsPerDocumentBus"] == nil, "in one process the nodes' CPU cannot be told apart")
        }
        #expect(figures["machine reference"] == nil, "--no-reference measures no machine speed")
        #expect(small["cpuInRSA2048Signatures"] == nil)
    }

    /// The documents sent first, to start the batch from a steady state, are reported apart and
    /// counted in no figure of the batch; by default they are two seconds of the offered rate.
    @Test func theWarmUpIsReportedApartFromTheBatch() async throws {
        let figures = try await benchFigures(["--documents", "12", "--rate", "40", "--concurrency", "4", "--no-reference"])
        let warmUp = try #require(figures["warm-up"])
        #expect(warmUp["documents"] == 80, "two seconds at 40 documents/s")
        #expect((warmUp["submitP99Milliseconds"] ?? 0) > 0, "the warm-up's submissions were timed")
        #expect(figures["4 KB documents"]?["documents"] == 12)

        let none = try await benchFigures(["--documents", "12", "--warm-up", "0", "--no-reference"])
        #expect(none["warm-up"] == nil, "--warm-up 0 sends none")
        #expect(none["4 KB documents"]?["documents"] == 12)
    }

    /// `--nice-others` keeps every thread of the bus and B at a lower priority than A's, and the
    /// run reports each node's threads' lowest niceness (read from /proc, not from the option).
    @Test func theOtherNodesRunAtTheNicenessAsked() async throws {
        let figures = try await benchFigures(["--documents", "12", "--rate", "40", "--concurrency", "4", "--warm-up", "4",
                                        "--processes", "--nice-others", "7", "--no-reference"])
        let niceness = try #require(figures["niceness"])
        #expect(niceness["bus"] == 7, "no thread of the bus is left at a higher priority")
        #expect(niceness["recipient"] == 7)
        #expect((niceness["sender"] ?? 7) < 7, "A keeps its own")
        #expect(figures["4 KB documents"]?["documents"] == 12)

        let plain = try await benchFigures(["--documents", "12", "--warm-up", "0", "--processes", "--no-reference"])
        #expect((plain["niceness"]?["bus"] ?? 7) < 7, "without the option the bus runs as the bench does")

        let refused = try await runCommand(Paths.binary, ["bench", "exchange", "--documents", "12", "--nice-others", "7"], timeout: 60)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("--nice-others needs --processes"))
    }

    /// By default the run measures the machine's signing speed beside the figures, and gives the
    /// CPU per document in signatures at that speed.
    @Test func theMachineSpeedIsMeasuredInTheSameRun() async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl") else {
            print("skipped: /usr/bin/openssl is not installed, so the bench measures no machine speed")
            return
        }
        let figures = try await benchFigures(["--documents", "12"])
        let speed = try #require(figures["machine reference"])
        let before = try #require(speed["opensslRSA2048SignsPerSecondBefore"])
        let after = try #require(speed["opensslRSA2048SignsPerSecondAfter"])
        #expect(before > 0 && after > 0)
        let small = try #require(figures["4 KB documents"])
        let milliseconds = try #require(small["cpuMillisecondsPerDocument"])
        let signatures = try #require(small["cpuInRSA2048Signatures"])
        #expect(abs(signatures - milliseconds * (before + after) / 2 / 1000) < 1e-6 * signatures,
                "CPU per document in signatures at the mean of the two speeds")
    }

    /// `--data DIR` puts the run's stores in a folder of its own inside DIR, says where (and on
    /// what file system) in the report, and removes the folder afterwards; DIR must exist.
    @Test func theStoresGoWhereTheOperatorSays() async throws {
        let data = try TemporaryDirectory(prefix: "lienthong-bench-data")
        defer { data.remove() }
        let result = try await runCommand(Paths.binary, ["bench", "exchange", "--documents", "12", "--large-documents", "0",
                                                               "--no-reference", "--data", data.url.path], timeout: 120)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("stores under \(data.url.path) ("), "\(result.stdout)")
        let cpus = ProcessInfo.processInfo.activeProcessorCount
        #expect(result.stdout.contains("), host: "), "the report names the processor: \(result.stdout)")
        #expect(result.stdout.contains(", \(cpus) CPU"), "and how many CPUs the run had: \(result.stdout)")
        #expect(result.stdout.contains("12 documents in"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: data.url.path).isEmpty, "the run's folder is removed")

        let missing = data.url.appendingPathComponent("absent").path
        let refused = try await runCommand(Paths.binary, ["bench", "exchange", "--documents", "12", "--data", missing], timeout: 60)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("--data \(missing) is not a directory"), "\(refused.stderr)")
    }

    /// `--latencies FILE` writes every submission of every batch, in the order sent, with its
    /// acknowledgement's and its arrival's latency: what pooled or windowed percentiles are read from.
    @Test func everySubmissionIsWrittenToTheLatenciesFile() async throws {
        let scratch = try TemporaryDirectory(prefix: "lienthong-bench-latencies")
        defer { scratch.remove() }
        let file = scratch.url.appendingPathComponent("latencies.csv").path
        let result = try await runCommand(Paths.binary, ["bench", "exchange", "--documents", "12", "--large-documents", "0", "--rate", "40",
                                                         "--concurrency", "4", "--warm-up", "4", "--no-reference", "--latencies", file],
                                          timeout: 120)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.first == "batch,sent_s,submission_ms,arrival_ms")
        let rows = lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(rows.count == 16, "the warm-up's 4 and the batch's 12: \(lines)")
        #expect(rows.filter { $0.first == "warm-up" }.count == 4)
        let batch = rows.filter { $0.first == "4 KB documents" }
        #expect(batch.count == 12)
        let sent = batch.compactMap { Double($0[1]) }
        #expect(sent.first == 0, "seconds after the batch's first send")
        #expect(sent == sent.sorted(), "in the order sent")
        #expect((sent.last ?? 0) >= 11.0 / 40 * 0.9, "the open loop spaced them at 40 /s: \(sent)")
        #expect(batch.allSatisfy { (Double($0[2]) ?? 0) > 0 && (Double($0[3]) ?? -1) >= 0 }, "each acknowledged and arrived: \(batch)")

        let missing = scratch.url.appendingPathComponent("no/such").path
        let refused = try await runCommand(Paths.binary, ["bench", "exchange", "--documents", "2", "--latencies", missing + "/latencies.csv"],
                                           timeout: 60)
        #expect(refused.status != 0, "refused before the run, not after it")
        #expect(refused.stderr.contains("there is no directory \(missing)"), "\(refused.stderr)")
    }

    private func benchFigures(_ load: [String]) async throws -> [String: [String: Double]] {
        let result = try await runCommand(Paths.binary, ["bench", "exchange", "--large-documents", "0", "--json"] + load, timeout: 120)
        #expect(result.status == 0, "\(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: [String: Double]])
    }

    /// The nodes of `--processes` are in process groups of their own, so a Ctrl-C reaches only
    /// the bench: it must stop them and remove its data directory, not leave three daemons running.
    @Test func interruptingTheBenchStopsTheNodesItStarted() async throws {
        let scratch = try TemporaryDirectory(prefix: "lienthong-bench-interrupt")
        let logs = try TemporaryDirectory(prefix: "lienthong-bench-interrupt-logs")
        defer {
            scratch.remove()
            logs.remove()
        }
        let stderr = logs.file("bench.stderr")
        func benchErrors() -> String { (try? String(contentsOf: stderr, encoding: .utf8)) ?? "" }
        let bench = try ChildProcess(Paths.binary.path,
                                     ["bench", "exchange", "--processes", "--large-documents", "0", "--documents", "100000", "--rate", "20"],
                                     environment: ProcessInfo.processInfo.environment.merging(["TMPDIR": scratch.url.path]) { _, new in new },
                                     stdout: .null, stderr: .file(stderr.path, append: false))
        defer { bench.kill() }

        // Running once its three nodes are: a `serve` whose configuration is under the scratch directory.
        var nodes: [pid_t] = []
        for _ in 0..<600 where nodes.count < 3 && bench.isRunning {
            try await Task.sleep(for: .milliseconds(100))
            nodes = Self.serveProcesses(under: scratch.url.path)
        }
        try #require(nodes.count == 3, "the bench started its three nodes: \(benchErrors())")
        try await Task.sleep(for: .seconds(1))   // past the moment it records the last one it started

        bench.signal(SIGINT)
        let ended = await bench.exited(timeout: .seconds(60))
        #expect(ended != nil, "the bench exits within a minute of SIGINT")
        #expect(ended == .exited(128 + SIGINT), "\(benchErrors())")
        #expect(Self.serveProcesses(under: scratch.url.path).isEmpty, "no node is left running")
        let left = try FileManager.default.contentsOfDirectory(atPath: scratch.url.path)
        #expect(left.isEmpty, "the bench's data directory is removed: \(left)")
    }

    /// Running `lienthong serve` processes whose command line names a path under `directory`.
    private static func serveProcesses(under directory: String) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry in
            guard let pid = pid_t(entry),
                  let line = try? String(contentsOfFile: "/proc/\(entry)/cmdline", encoding: .utf8) else { return nil }
            let arguments = line.split(separator: "\0")
            return arguments.contains("serve") && arguments.contains(where: { $0.hasPrefix(directory) }) ? pid : nil
        }
    }
}
