import Foundation

/// Threads for file work that blocks in fsync. Dispatch's global pool on Linux runs about one
/// thread per core, so concurrent enqueues would sync their blobs two at a time; here up to
/// `width` syncs are in flight at once, which the file system's journal commits together.
final class BlockingIOPool: @unchecked Sendable {
    static let shared = BlockingIOPool(width: 64)

    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var idle = 0
    private var threads = 0
    private let width: Int

    init(width: Int) { self.width = width }

    func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            enqueue { continuation.resume(with: Result { try work() }) }
        }
    }

    private func enqueue(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        jobs.append(job)
        // Threads are started on demand, up to the width, and then stay for the process's life.
        if idle == 0 && threads < width {
            threads += 1
            let thread = Thread { [self] in work() }
            thread.name = "lienthong.store.io"
            thread.start()
        }
        condition.signal()
        condition.unlock()
    }

    private func work() {
        while true {
            condition.lock()
            idle += 1
            while jobs.isEmpty { condition.wait() }
            idle -= 1
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }
}
