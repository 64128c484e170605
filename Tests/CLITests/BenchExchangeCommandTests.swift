import Foundation
import Testing
import TestSupport

/// `lienthong bench exchange`: both ways of offering load, to nodes in the bench's process or in
/// three `serve` processes, deliver every document to B and report it (no timing is asserted:
/// the figures are for docs/PERFORMANCE.md, not for tests).
@Suite struct BenchExchangeCommandTests {
    @Test(arguments: [["--documents", "12"], ["--documents", "12", "--rate", "40", "--concurrency", "4"],
                      ["--documents", "12", "--processes"], ["--documents", "12", "--rate", "40", "--concurrency", "4", "--processes"]])
    func everyDocumentIsSentAndCounted(load: [String]) throws {
        let result = try runCommand(Paths.binary, ["bench", "exchange", "--large-documents", "0", "--json"] + load, timeout: 120)
        #expect(result.status == 0, "\(result.stderr)")
        let figures = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: [String: Double]])
        let small = try #require(figures["4 KB documents"])
        #expect(small["documents"] == 12)
        #expect((small["submitP99Milliseconds"] ?? 0) > 0, "every submission was timed")
        #expect((small["arrivalP99Milliseconds"] ?? 0) >= (small["arrivalP50Milliseconds"] ?? 0))
        #expect((small["cpuMillisecondsPerDocument"] ?? 0) > 0, "the nodes' CPU was counted")
    }
}
