import Synchronization

/// Things a test waits for (attempts reported, requests arrived), appended from any thread.
/// `waitFor` returns once enough arrived or its timeout passed, so no test waits forever.
final class Observations<Element: Sendable>: Sendable {
    private struct State {
        var items: [Element] = []
        var nextID = 0
        var waiters: [Int: (count: Int, continuation: CheckedContinuation<Void, Never>)] = [:]
    }

    private let state = Mutex(State())

    init() {}

    var items: [Element] { state.withLock { $0.items } }

    func append(_ item: Element) {
        let ready = state.withLock { state in
            state.items.append(item)
            let count = state.items.count
            let satisfied = state.waiters.filter { $0.value.count <= count }
            for id in satisfied.keys { state.waiters.removeValue(forKey: id) }
            return satisfied.values.map(\.continuation)
        }
        for continuation in ready { continuation.resume() }
    }

    /// The items once at least `count` have arrived, or what there is after `timeout`.
    @discardableResult
    func waitFor(_ count: Int, timeout: Duration = .seconds(30)) async -> [Element] {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let already = state.withLock { state -> Bool in
                if state.items.count >= count { return true }
                state.waiters[id] = (count, continuation)
                return false
            }
            if already {
                continuation.resume()
                return
            }
            Task {
                try? await Task.sleep(for: timeout)
                self.state.withLock { $0.waiters.removeValue(forKey: id) }?.continuation.resume()
            }
        }
        return items
    }
}

/// Holds bus requests until the test opens it (at most `timeout`, so a forgotten gate ends).
final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func open() {
        let waiters = state.withLock { state in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func wait(timeout: Duration = .seconds(30)) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let isOpen = state.withLock { state -> Bool in
                if !state.open { state.waiters.append(continuation) }
                return state.open
            }
            if isOpen {
                continuation.resume()
                return
            }
            Task {
                try? await Task.sleep(for: timeout)
                self.open()
            }
        }
    }
}
