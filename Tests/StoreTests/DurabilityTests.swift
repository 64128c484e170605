import Foundation
import GRDB
import Synchronization
import Testing
import TestSupport
@testable import Store

@Suite struct DurabilityTests {
    @Test func theDefaultStoreSyncsEveryCommitInWALMode() async throws {
        let directory = try TemporaryDirectory(prefix: "lienthong-durability")
        defer { directory.remove() }
        let store = try SQLiteStore(directory: directory.url)
        let (mode, synchronous) = try await store.pool.write { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"))
        }
        #expect(mode == "wal")
        #expect(synchronous == 2)  // FULL
        #expect(store.blobs.syncs)
    }

    /// Callers arriving while a commit is under way go together in the next one, and each gets
    /// its own answer only after that commit.
    @Test func concurrentSubmissionsShareTheNextCommit() async throws {
        let batches = Mutex<[[Int]]>([])
        let gate = Gate()
        let committer = GroupCommit<Int, Int> { batch in
            batches.withLock { $0.append(batch) }
            if batch == [0] { await gate.wait() }
            return batch.map { .success($0 * 10) }
        }
        let results = try await withThrowingTaskGroup(of: Int.self) { group in
            group.addTask { try await committer.submit(0) }
            // Wait (bounded) until the first commit is under way, then queue 31 more behind it.
            for _ in 0..<500 where batches.withLock({ $0.isEmpty }) { try await Task.sleep(for: .milliseconds(2)) }
            for n in 1...31 { group.addTask { try await committer.submit(n) } }
            for _ in 0..<500 where committer.waiting < 31 { try await Task.sleep(for: .milliseconds(2)) }
            await gate.open()
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.sorted() == (0...31).map { $0 * 10 })
        let seen = batches.withLock { $0 }
        #expect(seen.count == 2)
        #expect(seen.last?.sorted() == Array(1...31))
    }
}

/// A one-shot latch for async code.
actor Gate {
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func open() {
        isOpen = true
        waiters.forEach { $0.resume() }
        waiters = []
    }
}
