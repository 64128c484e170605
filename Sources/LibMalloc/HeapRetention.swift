import CMalloc

/// Keeps freed large blocks in the process's heap instead of handing them back to the kernel.
///
/// By default glibc serves a block of 128 KiB or more with its own `mmap` and unmaps it when freed,
/// and trims a heap whose free top grows past twice the largest such block. A gateway allocates
/// blocks of that size all day (request bodies, envelopes, attachments, their base64), so each one
/// came back as fresh pages, every page faulted and zeroed on first touch. On a virtual machine
/// that returns freed memory to its host, each such page also costs the host a fault: with 1 MB
/// attachments, keeping them cut the page faults by more than half and the network's CPU per
/// document by about 5 % (docs/perf/exchange.md, session 21).
/// The price is that a process keeps its peak heap, bounded by its body limits and concurrency.
public enum HeapRetention {
    /// Blocks below this come from the heap (glibc refuses more than 32 MiB on 64-bit systems).
    public static let heapBlockLimit: Int32 = 32 << 20
    /// A heap's free top is returned to the kernel only past this.
    public static let trimThreshold: Int32 = 256 << 20

    /// An operator who tunes glibc's allocator (`GLIBC_TUNABLES=glibc.malloc.…`) keeps their settings.
    public static func isTunedByOperator(_ environment: [String: String]) -> Bool {
        environment["GLIBC_TUNABLES"]?.contains("glibc.malloc.") ?? false
    }

    /// Applies the retention to the whole process, unless the operator tuned the allocator;
    /// whether it was applied. Idempotent.
    @discardableResult
    public static func keepLargeBlocks(environment: [String: String]) -> Bool {
        guard !isTunedByOperator(environment) else { return false }
        return mallopt(M_MMAP_THRESHOLD, heapBlockLimit) == 1 && mallopt(M_TRIM_THRESHOLD, trimThreshold) == 1
    }
}
