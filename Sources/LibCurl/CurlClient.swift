import CCurl
import Foundation
import Synchronization

/// How a `CurlClient` shares its connections.
public struct CurlClientOptions: Sendable, Equatable {
    /// At most this many transfers run at once to one `scheme://host:port`; the rest wait their
    /// turn in arrival order (the wait does not count against their timeouts).
    public var maxTransfersPerDestination: Int
    /// Idle connections kept open for reuse, over all destinations. Never fewer than the
    /// transfers allowed to one destination, and grown to that many per destination seen (up to
    /// `connectionCacheCeiling`): a smaller cache closes, after each busy moment, connections
    /// the next transfers open again, each with a new TLS handshake.
    public var maxCachedConnections: Int

    public init(maxTransfersPerDestination: Int = 4, maxCachedConnections: Int = 16) {
        self.maxTransfersPerDestination = max(1, maxTransfersPerDestination)
        self.maxCachedConnections = max(1, maxCachedConnections, self.maxTransfersPerDestination)
    }

    /// The most idle connections a client grows its cache to, whatever the destinations: each
    /// holds a file descriptor.
    public static let connectionCacheCeiling = 256

    /// The cache size once `destinations` distinct destinations have been seen.
    func connectionCacheSize(destinations: Int) -> Int {
        max(maxCachedConnections, min(maxTransfersPerDestination * destinations, Self.connectionCacheCeiling))
    }
}

/// An HTTP client over libcurl's multi interface. All transfers run on one dedicated thread, never
/// on Swift's cooperative pool (which has one thread per core: a blocking `curl_easy_perform`
/// there would stall every task in the process). Connections, DNS answers and TLS sessions are
/// kept by the multi handle and reused across transfers to the same destination.
public final class CurlClient: Sendable {
    private let engine: CurlEngine

    public init(options: CurlClientOptions = .init()) throws(CurlError) {
        engine = try CurlEngine(options: options)
        let engine = self.engine
        let thread = Thread { engine.run() }
        thread.name = "lienthong.curl"
        thread.start()
    }

    deinit { engine.stop(waitingUpTo: .seconds(5)) }

    public var options: CurlClientOptions { engine.options }

    /// Runs one transfer. Throws `CurlError` for anything short of an HTTP response (any status),
    /// and `CancellationError` when the calling task is cancelled (the transfer is aborted).
    public func perform(_ request: CurlRequest) async throws -> CurlResponse {
        try Task.checkCancellation()
        let transfer = try CurlTransfer(id: engine.nextID(), request: request)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                transfer.attach { continuation.resume(with: $0.mapError { $0 as any Error }) }
                engine.submit(transfer)
            }
        } onCancel: {
            engine.cancel(transfer)
        }
    }

    /// Starts one transfer and calls `completion` on the engine thread when it ends (at once, on
    /// the calling thread, when the client has shut down), for callers that must not wait on
    /// Swift's cooperative pool (a load generator keeping its own clock). `completion` must
    /// return quickly: every transfer of the client waits while it runs.
    public func start(_ request: CurlRequest,
                      completion: @escaping @Sendable (Result<CurlResponse, CurlError>) -> Void) throws(CurlError) {
        let transfer = try CurlTransfer(id: engine.nextID(), request: request)
        transfer.attach(completion)
        engine.submit(transfer)
    }

    /// Transfers running or waiting right now, by destination (for metrics and tests).
    public func load() -> [String: (running: Int, waiting: Int)] {
        engine.snapshot()
    }

    /// Stops the engine thread and waits (at most `timeout`) until it has closed its connections:
    /// transfers still running or waiting fail with `.shutDown`. Waiting matters at exit: a
    /// thread still closing TLS connections while the process runs OpenSSL's exit handlers crashes.
    public func shutdown(waitingUpTo timeout: Duration = .seconds(5)) { engine.stop(waitingUpTo: timeout) }

    /// Whether the engine thread has ended and closed its connections.
    public var hasShutDown: Bool { engine.hasStopped }
}

/// The state the engine thread owns. Other threads only touch `mailbox` (under its mutex) and
/// call `curl_multi_wakeup` (safe from any thread, libcurl says), under that mutex and only while
/// the engine has not cleaned up.
final class CurlEngine: @unchecked Sendable {
    private struct Mailbox {
        var submitted: [CurlTransfer] = []
        var cancelled: [UInt64] = []
        var stopping = false
        var stopped = false
        var lastID: UInt64 = 0
        var load: [String: (running: Int, waiting: Int)] = [:]
    }

    let options: CurlClientOptions
    private let multi: UnsafeMutableRawPointer
    private let share: UnsafeMutableRawPointer
    private let mailbox = Mutex(Mailbox())
    /// Signalled once the engine thread has cleaned up its handles (and again by each waiter,
    /// so every later `stop` passes too).
    private let finished = DispatchSemaphore(value: 0)
    private let engineThread = Mutex<pthread_t?>(nil)

    // Engine thread only.
    private var waiting: [String: [CurlTransfer]] = [:]
    private var running: [UnsafeMutableRawPointer: CurlTransfer] = [:]
    private var runningCount: [String: Int] = [:]
    private var destinationsSeen: Set<String> = []

    init(options: CurlClientOptions) throws(CurlError) {
        CurlGlobal.ensureInitialized()
        guard let multi = curl_multi_init() else {
            throw CurlError(code: 0, kind: .other, message: "curl_multi_init failed")
        }
        guard let share = curl_share_init() else {
            curl_multi_cleanup(multi)
            throw CurlError(code: 0, kind: .other, message: "curl_share_init failed")
        }
        self.options = options
        self.multi = multi
        self.share = share
        // Only the engine thread uses these handles, so the share needs no lock callbacks.
        _ = lt_curl_share_setopt_long(share, CURLSHOPT_SHARE, Int(CURL_LOCK_DATA_SSL_SESSION.rawValue))
        _ = lt_curl_share_setopt_long(share, CURLSHOPT_SHARE, Int(CURL_LOCK_DATA_DNS.rawValue))
        _ = lt_curl_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, options.maxTransfersPerDestination)
        _ = lt_curl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, options.maxCachedConnections)
    }

    deinit {
        // The engine thread cleans up when it ends; only an engine whose thread never ran gets here with handles.
        if !mailbox.withLock({ $0.stopped }) {
            curl_multi_cleanup(multi)
            curl_share_cleanup(share)
        }
    }

    func nextID() -> UInt64 {
        mailbox.withLock { $0.lastID += 1; return $0.lastID }
    }

    func submit(_ transfer: CurlTransfer) {
        let multi = self.multi
        let accepted = mailbox.withLock { box -> Bool in
            guard !box.stopping else { return false }
            box.submitted.append(transfer)
            box.load[transfer.destination, default: (0, 0)].waiting += 1
            curl_multi_wakeup(multi)
            return true
        }
        if !accepted { transfer.finish(.failure(.shutDown)) }
    }

    /// Flags the transfer first, then posts its id: whichever of the two the engine sees first
    /// (the flag when it takes the submission, the id once the transfer is queued or running) aborts it.
    func cancel(_ transfer: CurlTransfer) {
        transfer.cancelRequested.store(true, ordering: .sequentiallyConsistent)
        let multi = self.multi
        mailbox.withLock { box in
            guard !box.stopped else { return }
            box.cancelled.append(transfer.id)
            curl_multi_wakeup(multi)
        }
    }

    func stop(waitingUpTo timeout: Duration) {
        let multi = self.multi
        mailbox.withLock { box in
            if !box.stopping && !box.stopped { curl_multi_wakeup(multi) }
            box.stopping = true
        }
        let onEngineThread = engineThread.withLock { thread in thread.map { pthread_equal($0, pthread_self()) != 0 } ?? false }
        guard !onEngineThread else { return }
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        if finished.wait(timeout: .now() + seconds) == .success { finished.signal() }
    }

    var hasStopped: Bool { mailbox.withLock { $0.stopped } }

    func snapshot() -> [String: (running: Int, waiting: Int)] {
        mailbox.withLock { $0.load.filter { $0.value.running + $0.value.waiting > 0 } }
    }

    // MARK: - The engine thread

    func run() {
        engineThread.withLock { $0 = pthread_self() }
        while true {
            let (submitted, cancelled, stopping) = mailbox.withLock { box in
                defer { box.submitted.removeAll(); box.cancelled.removeAll() }
                return (box.submitted, box.cancelled, box.stopping)
            }
            for transfer in submitted {
                if transfer.cancelRequested.load(ordering: .sequentiallyConsistent) {
                    unaccount(transfer, wasRunning: false)
                    transfer.finish(.failure(.cancelled))
                } else {
                    waiting[transfer.destination, default: []].append(transfer)
                    if destinationsSeen.insert(transfer.destination).inserted {
                        let size = options.connectionCacheSize(destinations: destinationsSeen.count)
                        _ = lt_curl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, size)
                    }
                }
            }
            for id in cancelled { abort(id) }
            if stopping { break }
            startWaitingTransfers()
            var stillRunning: Int32 = 0
            _ = curl_multi_perform(multi, &stillRunning)
            collectFinishedTransfers()
            startWaitingTransfers()
            // Sleeps until a socket is ready, curl's own timer fires, a wakeup arrives, or 1 s passes.
            _ = curl_multi_poll(multi, nil, 0, 1000, nil)
        }
        for transfer in running.values {
            detach(transfer)
            transfer.finish(.failure(.shutDown))
        }
        running.removeAll()
        for transfer in waiting.values.joined() { transfer.finish(.failure(.shutDown)) }
        waiting.removeAll()
        // Flagged first, under the lock other threads wake the engine with: none of them touches
        // the multi handle once it is gone.
        mailbox.withLock { $0.load.removeAll(); $0.stopped = true }
        curl_multi_cleanup(multi)
        curl_share_cleanup(share)
        finished.signal()
    }

    private func startWaitingTransfers() {
        for destination in Array(waiting.keys) {
            while runningCount[destination, default: 0] < options.maxTransfersPerDestination,
                  var queue = waiting[destination], !queue.isEmpty {
                let transfer = queue.removeFirst()
                waiting[destination] = queue.isEmpty ? nil : queue
                // The DNS and TLS-session share is attached here, on the thread that owns it.
                _ = lt_curl_setopt_pointer(transfer.easy.handle, CURLOPT_SHARE, share)
                let code = curl_multi_add_handle(multi, transfer.easy.handle)
                guard code == CURLM_OK else {
                    _ = lt_curl_setopt_pointer(transfer.easy.handle, CURLOPT_SHARE, nil)
                    unaccount(transfer, wasRunning: false)
                    transfer.finish(.failure(CurlError(code: Int(code.rawValue), kind: .other,
                                                       message: String(cString: curl_multi_strerror(code)))))
                    continue
                }
                running[transfer.easy.handle] = transfer
                runningCount[destination, default: 0] += 1
                mailbox.withLock {
                    $0.load[destination, default: (0, 0)].waiting -= 1
                    $0.load[destination, default: (0, 0)].running += 1
                }
            }
        }
    }

    private func collectFinishedTransfers() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard lt_curl_msg_is_done(message) != 0, let handle = message.pointee.easy_handle,
                  let transfer = running.removeValue(forKey: handle) else { continue }
            let result = lt_curl_msg_result(message)
            detach(transfer)
            runningCount[transfer.destination, default: 1] -= 1
            unaccount(transfer, wasRunning: true)
            transfer.finish(result)
        }
    }

    private func abort(_ id: UInt64) {
        if let (handle, transfer) = running.first(where: { $0.value.id == id }) {
            detach(transfer)
            running[handle] = nil
            runningCount[transfer.destination, default: 1] -= 1
            unaccount(transfer, wasRunning: true)
            transfer.finish(.failure(.cancelled))
            return
        }
        for (destination, queue) in waiting {
            if let index = queue.firstIndex(where: { $0.id == id }) {
                let transfer = waiting[destination]!.remove(at: index)
                if waiting[destination]!.isEmpty { waiting[destination] = nil }
                unaccount(transfer, wasRunning: false)
                transfer.finish(.failure(.cancelled))
                return
            }
        }
        // Not found: the transfer already finished, or its submission is still in the mailbox,
        // where the engine will see its cancellation flag.
    }

    /// Takes a handle out of the multi and off the share here, on the engine thread: the share has
    /// no lock callbacks, so it must never be touched by the thread that later frees the handle.
    private func detach(_ transfer: CurlTransfer) {
        curl_multi_remove_handle(multi, transfer.easy.handle)
        _ = lt_curl_setopt_pointer(transfer.easy.handle, CURLOPT_SHARE, nil)
    }

    private func unaccount(_ transfer: CurlTransfer, wasRunning: Bool) {
        mailbox.withLock {
            if wasRunning { $0.load[transfer.destination, default: (0, 0)].running -= 1 }
            else { $0.load[transfer.destination, default: (0, 0)].waiting -= 1 }
        }
    }
}
