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
}

/// A message handed to a delivery worker, with what it needs to send it.
public struct ClaimedMessage: Sendable {
    public var lease: Lease
    public var message: OutboundMessage
    /// True when this claim is the single probe of a destination whose circuit was open.
    public var isProbe: Bool
}

/// How an attempt ended, as the worker reports it.
public enum AttemptResult: Sendable, Equatable {
    case delivered(httpStatus: Int?)
    case failed(DeliveryFailure)
}
