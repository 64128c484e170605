import Store
import Synchronization

/// Wakes the delivery workers when something was queued, so a new message leaves at once
/// instead of at the workers' next poll. A nudge while no worker waits is remembered once.
///
/// It also hands messages over: a producer that enqueues through `handingOff` has the enqueue
/// claim them for the running worker in its own transaction (see `HandOff`), and the worker
/// starts them without a claim of its own; only what it could not take is nudged for.
public final class DeliverySignal: Sendable {
    private let state = Mutex<State>(State())
    /// The worker that takes hand-offs: the one running on this signal (the last to start).
    private let taker = Mutex<DeliveryWorker?>(nil)

    private struct State {
        var pending = false
        var nextID: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    }

    public init() {}

    /// Enqueues with `enqueue`, handing it the running worker's free slots for `count` messages,
    /// then gives the worker what the enqueue claimed (`receipt` finds the enqueue's receipt in
    /// the answer: nil when nothing was queued) and nudges for what it did not.
    public func handingOff<Answer>(upTo count: Int, _ enqueue: (HandOff?) async throws -> Answer,
                                   receipt: (Answer) -> EnqueueReceipt?) async throws -> Answer {
        let worker = taker.withLock { $0 }
        let handOff = worker?.reserve(upTo: count)
        let answer: Answer
        do {
            answer = try await enqueue(handOff)
        } catch {
            if let worker, let handOff { worker.take([], for: handOff) }
            throw error
        }
        let queued = receipt(answer)
        let handedOff = queued?.handedOff ?? []
        if let worker, let handOff { worker.take(handedOff, for: handOff) }
        if let queued, !queued.replayed, handedOff.count < queued.messages.count { nudge() }
        return answer
    }

    /// Enqueues `submission` in `store`, its messages handed to the running worker where it has
    /// free slots, and nudges for the rest.
    public func enqueue(_ submission: OutboundSubmission, in store: any MessageStore) async throws -> EnqueueReceipt {
        try await handingOff(upTo: submission.to.count, { handOff in
            var submission = submission
            submission.handOff = handOff
            return try await store.enqueue(submission)
        }, receipt: { $0 })
    }

    func register(_ worker: DeliveryWorker) {
        taker.withLock { $0 = worker }
    }

    func unregister(_ worker: DeliveryWorker) {
        taker.withLock { if $0 === worker { $0 = nil } }
    }

    /// Something is due: wake every waiting worker, or the next one to wait.
    public func nudge() {
        let waiters = state.withLock { state in
            defer { state.waiters = [:] }
            if state.waiters.isEmpty { state.pending = true }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns at the next nudge, after `timeout` (nil: no timeout, and no timer task), on
    /// cancellation, or at once if a nudge is pending.
    public func wait(upTo timeout: Duration?) async {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state in
                    if state.pending || Task.isCancelled {
                        state.pending = false
                        return true
                    }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow {
                    continuation.resume()
                    return
                }
                guard let timeout else { return }
                Task { [weak self] in
                    try? await Task.sleep(for: timeout)
                    self?.resume(id)
                }
            }
        } onCancel: {
            resume(id)
        }
    }

    private func resume(_ id: UInt64) {
        state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
    }
}
