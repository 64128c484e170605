import Synchronization

/// Wakes the delivery workers when something was queued, so a new message leaves at once
/// instead of at the workers' next poll. A nudge while no worker waits is remembered once.
public final class DeliverySignal: Sendable {
    private let state = Mutex<State>(State())

    private struct State {
        var pending = false
        var nextID: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    }

    public init() {}

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
