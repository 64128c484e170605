import Foundation
import Testing
@testable import LibMalloc

@Suite struct HeapRetentionTests {
    /// Minor page faults of the calling thread so far.
    private func faults() -> Int {
        var usage = rusage()
        getrusage(__rusage_who_t(1), &usage)  // RUSAGE_THREAD, which Glibc's module leaves out
        return usage.ru_minflt
    }

    /// Allocates, touches and frees `count` blocks of `size` bytes together; the page faults it took.
    private func churn(count: Int, size: Int) -> Int {
        let before = faults()
        let blocks = (0..<count).map { _ in malloc(size)! }
        for block in blocks { memset(block, 1, size) }
        for block in blocks { free(block) }
        return faults() - before
    }

    /// Without retention glibc trims a free top past twice its largest unmapped block (here 8 MiB),
    /// so 24 MiB freed at once goes back to the kernel and the next round faults it in again.
    @Test func largeBlocksFreedTogetherAreReusedWithoutFreshPages() {
        #expect(HeapRetention.keepLargeBlocks(environment: [:]))
        let size = 4 << 20
        let pages = 6 * size / Int(sysconf(Int32(_SC_PAGESIZE)))
        _ = churn(count: 6, size: size)
        _ = churn(count: 6, size: size)
        let third = churn(count: 6, size: size)
        #expect(third < pages / 4, "\(third) page faults for \(pages) pages used before")
    }

    @Test func anOperatorsAllocatorTuningIsLeftAlone() {
        #expect(HeapRetention.isTunedByOperator(["GLIBC_TUNABLES": "glibc.malloc.trim_threshold=1000000"]))
        #expect(!HeapRetention.isTunedByOperator(["GLIBC_TUNABLES": "glibc.rtld.optional_static_tls=4096"]))
        #expect(!HeapRetention.isTunedByOperator([:]))
        #expect(!HeapRetention.keepLargeBlocks(environment: ["GLIBC_TUNABLES": "glibc.malloc.arena_max=2"]))
    }
}
