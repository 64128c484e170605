import Foundation

/// A worker's time-bounded claim on one message. Whoever holds the token may report the attempt
/// or extend the lease; after `expiresAt` another worker may take the message over.
public struct Lease: Sendable, Equatable {
    public var messageID: String
    public var token: String
    public var worker: String
    public var attemptNumber: Int
    public var startedAt: Date
    public var expiresAt: Date

    /// A new lease (a fresh token) on `messageID` for attempt `attemptNumber`, from `now` for `duration`.
    static func starting(messageID: String, worker: String, attemptNumber: Int, at now: Int64, for duration: Duration) -> Lease {
        Lease(messageID: messageID, token: newToken(), worker: worker, attemptNumber: attemptNumber,
              startedAt: Date(storeMillis: now), expiresAt: Date(storeMillis: now + duration.millis))
    }

    /// 128 random bits, hex. From the system generator (one getrandom(2)): `UUID()` opens and
    /// reads /dev/urandom on every call on Linux, once per claim on a busy queue.
    static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return [generator.next() as UInt64, generator.next()].map { word in
            let digits = String(word, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }.joined()
    }
}

/// A message handed to a delivery worker, with what it needs to send it.
public struct ClaimedMessage: Sendable, Equatable {
    public var lease: Lease
    public var message: OutboundMessage
    /// True when this claim is the single probe of a destination whose circuit was open.
    public var isProbe: Bool
}

/// Slots a delivery worker keeps free for the messages an enqueue queues: the enqueue claims up
/// to `limit` of them for `worker` in its own transaction, and the worker starts them without a
/// claim of its own. A message queued and claimed in two transactions cost a commit, a claim's
/// queries and seven thread hand-offs of its own; at 300 documents/s the claims were a third of
/// the three stores' commits.
public struct HandOff: Sendable, Equatable {
    public var worker: String
    public var limit: Int
    public var leaseDuration: Duration

    public init(worker: String, limit: Int, leaseDuration: Duration) {
        self.worker = worker
        self.limit = limit
        self.leaseDuration = leaseDuration
    }
}

/// How an attempt ended, as the worker reports it.
public enum AttemptResult: Sendable, Equatable {
    case delivered(httpStatus: Int?)
    case failed(DeliveryFailure)
}
