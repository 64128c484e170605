import Synchronization

/// Group commit: callers that arrive while a commit is under way wait and go together in the
/// next one, so many concurrent enqueues share one transaction and one sync of the log.
/// Each caller still returns only after the commit that holds its item.
final class GroupCommit<Item: Sendable, Output: Sendable>: Sendable {
    typealias Waiter = (item: Item, continuation: CheckedContinuation<Output, any Error>)
    private struct Pending: ~Copyable {
        var waiters: [Waiter] = []
        var committing = false
    }

    private let pending = Mutex(Pending())
    /// Writes a batch in one transaction and answers each item in order.
    private let commit: @Sendable ([Item]) async -> [Result<Output, any Error>]

    init(commit: @escaping @Sendable ([Item]) async -> [Result<Output, any Error>]) {
        self.commit = commit
    }

    /// Items waiting for the next commit (for tests and metrics).
    var waiting: Int { pending.withLock { $0.waiters.count } }

    func submit(_ item: Item) async throws -> Output {
        try await withCheckedThrowingContinuation { continuation in
            let leads = pending.withLock { state -> Bool in
                state.waiters.append((item, continuation))
                guard !state.committing else { return false }
                state.committing = true
                return true
            }
            // Not `Task.immediate`: the moment the drain task waits to be scheduled lets more
            // callers join the first batch (alternated bench runs: starting at once gave fewer
            // documents per second).
            if leads { Task { await self.drain() } }
        }
    }

    private func drain() async {
        while true {
            let batch: [Waiter] = pending.withLock { state in
                let batch = state.waiters
                state.waiters = []
                if batch.isEmpty { state.committing = false }
                return batch
            }
            if batch.isEmpty { return }
            let results = await commit(batch.map(\.item))
            for (waiter, result) in zip(batch, results) {
                waiter.continuation.resume(with: result)
            }
        }
    }
}
