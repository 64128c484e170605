import Foundation
import Logging
import ServiceLifecycle
import Store
import Synchronization

/// Drives the outbound queue through a `Deliverer`: claims due messages, runs up to
/// `concurrency` transfers at once, and reports each attempt to the store, which applies the
/// retry policy. Between rounds it waits for a producer's nudge (`DeliverySignal`), a slot to
/// free, the next waiting message falling due (a retry's backoff, an expired lease), or the poll
/// interval, whichever comes first.
///
/// It claims only when something may be due that it has not claimed: after a nudge, a tick of
/// the poll interval, a claim that filled every free slot, a failed transfer (its retry), or the
/// time a retry falls due. A slot freed by a delivered transfer alone claims nothing: at a
/// steady rate, an empty claim and the query after it were a third of the store's transactions.
///
/// On graceful shutdown it stops claiming, lets transfers in flight finish within
/// `shutdownGrace`, then cancels the rest and gives their messages back to the queue
/// (`MessageStore.release`), so nothing waits for a lease to expire and no attempt is spent.
public final class DeliveryWorker: Service {
    public typealias AttemptHook = @Sendable (DeliveryAttempt) -> Void

    public let configuration: DeliveryWorkerConfiguration
    let store: any MessageStore
    let deliverer: any Deliverer
    let logger: Logger
    let onAttempt: AttemptHook?
    private let signal: DeliverySignal
    /// Wakes the dispatch loop: a producer's nudge (forwarded), a transfer that ended, the stop.
    private let wakeup = DeliverySignal()
    private let state = Mutex(State())

    private struct State {
        var inFlight = 0
        var stopping = false
        /// Something may be due that no claim has taken yet.
        var mayHaveDue = true
        /// When the next retry falls due, if that is sooner than the next poll tick.
        var nextDue: ContinuousClock.Instant?
        /// The leases of transfers in flight, by message id, for `keepLeases`.
        var leases: [String: Lease] = [:]
        /// Messages an enqueue claimed for this worker, not yet started (see `HandOff`).
        var handedOff: [ClaimedMessage] = []
    }

    public init(store: any MessageStore, deliverer: any Deliverer, signal: DeliverySignal,
                configuration: DeliveryWorkerConfiguration = DeliveryWorkerConfiguration(),
                logger: Logger, onAttempt: AttemptHook? = nil) {
        self.store = store
        self.deliverer = deliverer
        self.signal = signal
        self.configuration = configuration
        self.logger = logger.withWorker(configuration.name)
        self.onAttempt = onAttempt
    }

    public func run() async {
        logger.info("delivery worker started", metadata: ["concurrency": "\(configuration.concurrency)",
                                                          "poll_interval": "\(configuration.pollInterval)"])
        signal.register(self)
        defer { signal.unregister(self) }
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.forwardNudges() }
                group.addTask { await self.tick() }
                group.addTask { await self.keepLeases() }
                while let claims = await nextRound() {
                    for claim in claims {
                        group.addTask { await self.transfer(claim) }
                    }
                }
                await drain()
                // Transfers still running past the grace period are cancelled: each gives its
                // message back to the queue before the group ends.
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.stop()
        }
        logger.info("delivery worker stopped")
    }

    /// Stops claiming; `run` returns once transfers in flight have finished or been released.
    public func stop() {
        state.withLock { $0.stopping = true }
        wakeup.nudge()
    }

    /// Transfers running now.
    public var inFlight: Int { state.withLock { $0.inFlight } }

    private var isStopping: Bool { state.withLock { $0.stopping } }

    /// Claims as many due messages as there are free slots, waiting while nothing may be due or
    /// no slot is free. nil once the worker is stopping.
    private func nextRound() async -> [ClaimedMessage]? {
        let clock = ContinuousClock()
        while true {
            // Handed off before a stop are started even so: their slots are counted already,
            // and a stop gives them back to the queue like any transfer.
            let handedOff = state.withLock { state in
                defer { state.handedOff = [] }
                return state.handedOff
            }
            if !handedOff.isEmpty { return handedOff }
            guard !isStopping && !Task.isCancelled else { return nil }
            let free: Int? = state.withLock { state in
                if let due = state.nextDue, clock.now >= due {
                    state.nextDue = nil
                    state.mayHaveDue = true
                }
                let free = configuration.concurrency - state.inFlight
                guard free > 0, state.mayHaveDue else { return nil }
                // Cleared before the claim, so a nudge arriving during it is not lost.
                state.mayHaveDue = false
                // Kept for the claim while it runs, so no hand-off takes them meanwhile.
                state.inFlight += free
                return free
            }
            if let free {
                do {
                    let claimStarted = clock.now
                    let claims = try await claim(keptSlots: free)
                    // Every slot filled: more may be due, claimed when a slot frees.
                    if claims.count == free { claimAgain() }
                    if !claims.isEmpty { return claims }
                    let nextDue = try await untilNextDue(sinceClaimAt: claimStarted).map { clock.now + $0 }
                    state.withLock { $0.nextDue = nextDue }
                } catch {
                    // The next tick tries again.
                    logger.error("claiming from the queue failed", metadata: ["reason": "\(error)"])
                }
            }
            let nextDue = state.withLock { $0.nextDue }
            await wakeup.wait(upTo: nextDue.map { clock.now.duration(to: $0) })
        }
    }

    /// Keeps up to `count` free slots for the messages an enqueue is about to queue, or nil when
    /// none is free or the worker is stopping. The enqueue claims them (`HandOff`); `take` then
    /// starts what it claimed and frees the rest.
    func reserve(upTo count: Int) -> HandOff? {
        state.withLock { state in
            let granted = min(count, configuration.concurrency - state.inFlight)
            guard !state.stopping, granted > 0 else { return nil }
            state.inFlight += granted
            return HandOff(worker: configuration.name, limit: granted, leaseDuration: configuration.leaseDuration)
        }
    }

    /// Starts the messages claimed for `handOff` (none when its enqueue failed) and frees the
    /// slots it kept for the others. A worker stopped meanwhile gives them back to the queue.
    func take(_ claimed: [ClaimedMessage], for handOff: HandOff) {
        let stopped = state.withLock { state in
            state.inFlight -= handOff.limit - claimed.count
            guard state.stopping else {
                state.handedOff += claimed
                return false
            }
            state.inFlight -= claimed.count
            return true
        }
        if stopped, !claimed.isEmpty {
            let store = self.store
            Task {
                for claim in claimed {
                    try? await store.release(claim.lease, reason: "the worker stopped before the transfer began")
                }
            }
        }
        wakeup.nudge()
    }

    /// Claims into `keptSlots` slots already counted in flight, and frees those left empty.
    private func claim(keptSlots: Int) async throws -> [ClaimedMessage] {
        var claimed = 0
        defer { state.withLock { $0.inFlight -= keptSlots - claimed } }
        let claims = try await store.claim(worker: configuration.name, limit: keptSlots,
                                           leaseDuration: configuration.leaseDuration)
        claimed = claims.count
        return claims
    }

    private func claimAgain() {
        state.withLock { $0.mayHaveDue = true }
    }

    /// How long until the next retry or lease expiry falls due, when that is sooner than the
    /// next poll tick (which catches the rest, what another process queued, and the end of a
    /// breaker's pause).
    /// A message falling due between the empty claim and this read is counted (a test run here saw a
    /// retry wait for the next poll, an hour in that test, because it was neither).
    private func untilNextDue(sinceClaimAt claimStarted: ContinuousClock.Instant) async throws -> Duration? {
        let dueSince = claimStarted.duration(to: ContinuousClock.now)
        guard let untilDue = try await store.timeUntilNextDue(dueSince: dueSince), untilDue < configuration.pollInterval else { return nil }
        // A couple of milliseconds late, so the claim finds it due (times are whole milliseconds).
        return untilDue + .milliseconds(2)
    }

    /// Passes producers' nudges on to the dispatch loop, which also wakes for its own reasons.
    private func forwardNudges() async {
        await claimAfterEach { await self.signal.wait(upTo: nil) }
    }

    /// The poll interval's ticks: one timer for the worker, not one per wait.
    private func tick() async {
        await claimAfterEach { try? await Task.sleep(for: self.configuration.pollInterval) }
    }

    /// Until the worker stops: waits, then has the dispatch loop claim.
    private func claimAfterEach(_ wait: () async -> Void) async {
        while !isStopping && !Task.isCancelled {
            await wait()
            claimAgain()
            wakeup.nudge()
        }
    }

    /// Waits for the transfers in flight to end, at most `shutdownGrace`.
    private func drain() async {
        let clock = ContinuousClock()
        let deadline = clock.now + configuration.shutdownGrace
        while inFlight > 0 && !Task.isCancelled {
            let left = clock.now.duration(to: deadline)
            guard left > .zero else { break }
            await wakeup.wait(upTo: left)
        }
        let left = inFlight
        if left > 0 {
            logger.notice("transfers still in flight after the grace period are cancelled and given back to the queue",
                          metadata: ["in_flight": "\(left)"])
        }
    }

    func transferStarted(_ lease: Lease) {
        state.withLock { $0.leases[lease.messageID] = lease }
    }

    /// A slot is free; `retryQueued` when the message went back to the queue (a retry to
    /// claim when it falls due).
    func transferEnded(_ lease: Lease, retryQueued: Bool) {
        state.withLock {
            $0.inFlight -= 1
            $0.leases[lease.messageID] = nil
            if retryQueued { $0.mayHaveDue = true }
        }
        wakeup.nudge()
    }

    /// Extends, every third of the lease duration, the lease of each transfer that has run that
    /// long, so a long transfer is never taken over by another worker. One keeper for all
    /// transfers: most end in milliseconds, and a timer task each would cost more than they do.
    /// Runs until the worker's task group is cancelled, after the drain.
    private func keepLeases() async {
        let every = configuration.leaseRenewalInterval, leaseDuration = configuration.leaseDuration
        while !Task.isCancelled {
            try? await Task.sleep(for: every)
            guard !Task.isCancelled else { return }
            let renewBefore = Date().addingTimeInterval(Double(leaseDuration.milliseconds - every.milliseconds / 2) / 1000)
            let due = state.withLock { $0.leases.values.filter { $0.expiresAt < renewBefore } }
            for lease in due {
                do {
                    let extended = try await store.extend(lease, by: leaseDuration)
                    state.withLock { state in
                        if state.leases[lease.messageID] != nil { state.leases[lease.messageID] = extended }
                    }
                } catch {
                    // Renewed no more; nothing to say when the transfer ended meanwhile.
                    let wasInFlight = state.withLock { $0.leases.removeValue(forKey: lease.messageID) != nil }
                    if wasInFlight {
                        logger.warning("the lease could not be extended",
                                       metadata: ["message_id": "\(lease.messageID)", "reason": "\(error)"])
                    }
                }
            }
        }
    }
}

extension Logger {
    func withWorker(_ name: String) -> Logger {
        var copy = self
        copy[metadataKey: "worker"] = "\(name)"
        return copy
    }
}
