import Foundation

/// Which messages `list` returns; nil fields do not filter.
public struct MessageFilter: Sendable, Equatable {
    public var state: MessageState?
    public var destination: String?
    /// Only messages queued before this moment.
    public var createdBefore: Date?
    public var limit: Int

    public init(state: MessageState? = nil, destination: String? = nil, createdBefore: Date? = nil, limit: Int = 50) {
        self.state = state
        self.destination = destination
        self.createdBefore = createdBefore
        self.limit = limit
    }
}

/// The operator's selection of messages for retry: explicit ids, or every message in a state.
public enum MessageSelection: Sendable, Equatable {
    case ids([String])
    case state(MessageState, destination: String?)
}

/// Everything known about one message, for `queue show`.
public struct MessageDetail: Sendable, Encodable {
    public var message: OutboundMessage
    public var attempts: [Attempt]
    public var changes: [StateChange]
    public var timeline: [StatusEvent]
    public var operatorActions: [OperatorAction]
}

/// What an operator command did: the messages it changed and the ones it left, with why.
public struct OperatorOutcome: Sendable, Equatable, Codable {
    public struct Skipped: Sendable, Equatable, Codable {
        public var messageID: String
        public var reasonCode: String
        public var reason: String
    }
    public var changed: [String] = []
    public var skipped: [Skipped] = []
}

public enum BreakerState: String, Sendable, Codable {
    case closed
    /// Paused: messages wait without spending attempts until `retryAt`.
    case open
    /// One probe message is allowed through; its result closes or reopens the circuit.
    case halfOpen = "half_open"
}

public struct DestinationBreaker: Sendable, Equatable, Codable {
    public var destination: String
    public var state: BreakerState
    public var consecutiveFailures: Int
    public var openedAt: Date?
    public var retryAt: Date?
}

public struct QueueStats: Sendable {
    public var byState: [MessageState: Int]
    public var byDestination: [String: [MessageState: Int]]
    public var oldestUndeliveredAt: Date?
    public var breakers: [DestinationBreaker]
}

public struct PurgeOutcome: Sendable, Equatable, Codable {
    public var messagesRemoved: Int
    public var blobsRemoved: Int
}
