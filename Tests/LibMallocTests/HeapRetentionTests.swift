import Foundation
import Testing
import TestSupport
@testable import LibMalloc

@Suite struct HeapRetentionTests {
    static var worker: URL { Paths.binary.deletingLastPathComponent().appendingPathComponent("HeapRetentionWorker") }

    /// Six blocks of 4 MiB freed together, twice, then a third round counted, in a fresh process:
    /// without the retention glibc trims a free top past twice its largest unmapped block (8 MiB
    /// here), so the 24 MiB go back to the kernel and fault in again; with it they are reused.
    @Test func largeBlocksFreedTogetherAreReusedWithoutFreshPages() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.worker.path), "build HeapRetentionWorker first")
        let pages = 6 * (4 << 20) / Int(sysconf(Int32(_SC_PAGESIZE)))
        func thirdRoundFaults(_ mode: String) async throws -> Int {
            let result = try await runCommand(Self.worker, [mode], timeout: 30)
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
            return try #require(Int(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        let plain = try await thirdRoundFaults("default")
        #expect(plain > pages / 2, "\(plain) page faults for \(pages) pages: the measure shows glibc's own trimming")
        let kept = try await thirdRoundFaults("keep")
        #expect(kept < pages / 4, "\(kept) page faults for \(pages) pages used before")
    }

    @Test func anOperatorsAllocatorTuningIsLeftAlone() {
        #expect(HeapRetention.isTunedByOperator(["GLIBC_TUNABLES": "glibc.malloc.trim_threshold=1000000"]))
        #expect(!HeapRetention.isTunedByOperator(["GLIBC_TUNABLES": "glibc.rtld.optional_static_tls=4096"]))
        #expect(!HeapRetention.isTunedByOperator([:]))
        #expect(!HeapRetention.keepLargeBlocks(environment: ["GLIBC_TUNABLES": "glibc.malloc.arena_max=2"]))
    }
}
