/// How one delivery worker drives the queue.
public struct DeliveryWorkerConfiguration: Sendable, Equatable {
    /// The worker's name in leases, attempts and logs; unique per process.
    public var name: String
    /// Transfers in flight at once (the relay bounds them per destination as well).
    public var concurrency: Int
    /// How long a claim is held before another worker may take the message over; a transfer that
    /// runs longer has its lease extended well before it expires. Short, because it is also how
    /// long the messages of a crashed worker wait before a restarted one takes them.
    public var leaseDuration: Duration
    /// The wait after a round when no producer nudged: retries that fall due are found this late.
    public var pollInterval: Duration
    /// On shutdown, how long transfers in flight may finish before they are cancelled and their
    /// messages given back to the queue.
    public var shutdownGrace: Duration

    public init(name: String = "delivery-1", concurrency: Int = 8, leaseDuration: Duration = .seconds(30),
                pollInterval: Duration = .seconds(5), shutdownGrace: Duration = .seconds(10)) {
        self.name = name
        self.concurrency = max(1, concurrency)
        self.leaseDuration = max(leaseDuration, .seconds(1))
        self.pollInterval = max(pollInterval, .milliseconds(10))
        self.shutdownGrace = max(shutdownGrace, .zero)
    }

    /// Extend a running transfer's lease this often: three chances before it would expire.
    var leaseRenewalInterval: Duration { leaseDuration / 3 }
}
