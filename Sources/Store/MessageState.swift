/// Where an outbound message is in its delivery. DESIGN.md, "Queue states".
public enum MessageState: String, Sendable, CaseIterable, Codable {
    case queued
    case sending
    case retryWait = "retry_wait"
    case delivered
    case dead
    case held
    case cancelled

    /// The states a message may move to from this one. Every write of a state goes through
    /// `checkTransition`, so a change not listed here is refused, never written.
    public var successors: Set<MessageState> {
        switch self {
        case .queued: [.sending, .held, .cancelled, .dead]
        // `queued` from `sending` is the return of a message whose lease expired.
        case .sending: [.delivered, .retryWait, .dead, .queued]
        case .retryWait: [.sending, .queued, .held, .cancelled, .dead]
        case .held: [.queued, .cancelled]
        case .dead: [.queued, .cancelled]
        case .delivered, .cancelled: []
        }
    }

    public var isFinal: Bool { successors.isEmpty }

    /// States in which a message still waits to reach the far side.
    public static let undelivered: [MessageState] = [.queued, .sending, .retryWait, .held]

    public func canMove(to next: MessageState) -> Bool { successors.contains(next) }

    /// Throws `queue.illegal_transition` unless `next` is a successor of this state.
    public func checkTransition(to next: MessageState, messageID: String) throws {
        guard canMove(to: next) else {
            throw StoreError.illegalTransition(messageID, from: self, to: next)
        }
    }
}
