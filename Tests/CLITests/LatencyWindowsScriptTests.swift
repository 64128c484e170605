import Foundation
import Testing
import TestSupport

/// `scripts/latency-windows`: reads the CSV of `bench exchange --latencies` window by window, with
/// the bench's own percentile rule, so a long run's slow minutes and a pooled p99 can be read.
@Suite struct LatencyWindowsScriptTests {
    static let script = Paths.packageRoot.appendingPathComponent("scripts/latency-windows")

    @Test func eachWindowAndTheWholeBatchAreSummarised() async throws {
        let scratch = try TemporaryDirectory(prefix: "lienthong-latency-windows")
        defer { scratch.remove() }
        // Window 0 s: 100 submissions of 1…100 ms; window 10 s: 10 of 5 ms; a warm-up line and a
        // line of another batch, which must not count.
        var csv = "batch,sent_s,submission_ms,arrival_ms\nwarm-up,0.0,999,1\n1 MB attachment,0.5,888,\n"
        for value in (1...100).reversed() { csv += "4 KB documents,\(Double(100 - value) * 0.05),\(value).000,12.5\n" }
        for index in 0..<10 { csv += "4 KB documents,\(10 + Double(index) * 0.1),5.000,\n" }
        let file = scratch.file("latencies.csv")
        try Data(csv.utf8).write(to: file)

        let result = try await runCommand(URL(fileURLWithPath: "/bin/bash"), [Self.script.path, file.path, "10"])
        #expect(result.status == 0, "\(result.stderr)")
        let rows = result.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        let first = try #require(rows.first { $0.first == "0" }, "\(result.stdout)")
        // Sorted 1…100: index floor(100 × 0.5) = 50 holds 51, index 99 holds 100.
        #expect(first == ["0", "100", "p50", "51.0", "p99", "100.0", "max", "100.0", "ms", "over", "20", "ms", "80"])
        let second = try #require(rows.first { $0.first == "10" })
        #expect(second == ["10", "10", "p50", "5.0", "p99", "5.0", "max", "5.0", "ms", "over", "20", "ms", "0"])
        let all = try #require(rows.first { $0.first == "all" })
        // 110 values: index 55 of the sorted ones is 46 (ten 5s and 1…4 come first), index 108 is 99.
        #expect(all == ["all", "110", "p50", "46.0", "p99", "99.0", "max", "100.0", "ms", "over", "20", "ms", "80"])

        let warmUp = try await runCommand(URL(fileURLWithPath: "/bin/bash"), [Self.script.path, file.path, "10", "warm-up"])
        #expect(warmUp.stdout.contains("999.0"), "another batch is read by its label: \(warmUp.stdout)")

        let missing = try await runCommand(URL(fileURLWithPath: "/bin/bash"), [Self.script.path, file.path, "10", "no such batch"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("no submissions of batch \"no such batch\""))
    }
}
