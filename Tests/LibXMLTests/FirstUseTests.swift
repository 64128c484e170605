import Foundation
import Testing
import TestSupport

/// libxml2 set up before threads share it: a process whose first libxml2 calls are schema
/// compilations on several threads at once must not hang (libxml2 2.9.14 left its dictionaries'
/// mutex locked for ever in one or two of every 40 such processes here when its own lazy set-up
/// raced; a whole test run hung on it in CI).
@Suite struct FirstUseTests {
    static var worker: URL { Paths.binary.deletingLastPathComponent().appendingPathComponent("LibXMLFirstUseWorker") }

    @Test(.timeLimit(.minutes(2)))
    func concurrentFirstSchemaCompilationsFinish() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.worker.path), "build LibXMLFirstUseWorker first")
        // 100 fresh processes: without the set-up the series hung at its 65th here.
        for run in 0..<100 {
            let result = try await runCommand(Self.worker, ["4"], timeout: 10)
            #expect(result.status == 0 && result.stdout == "ok\n", "process \(run) did not finish: status \(result.status)")
            if result.status != 0 { break }
        }
    }
}
