import Foundation
import LibMalloc

// `HeapRetentionWorker keep|default`: churns large blocks on its only thread (glibc's main arena,
// shared with no other thread) and prints the page faults of the third round. A process of its
// own, because in the test process other threads share arenas and take freed blocks.
let keep = CommandLine.arguments.dropFirst().first == "keep"
if keep, !HeapRetention.keepLargeBlocks(environment: [:]) {
    print("the retention was not applied")
    exit(1)
}

func faults() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_minflt
}

/// Allocates, touches and frees six blocks of 4 MiB together; the page faults it took.
func churn() -> Int {
    let size = 4 << 20
    let before = faults()
    let blocks = (0..<6).map { _ in malloc(size)! }
    for block in blocks { memset(block, 1, size) }
    for block in blocks { free(block) }
    return faults() - before
}

_ = churn()
_ = churn()
print(churn())
