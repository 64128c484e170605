import Foundation

/// The unit server a document came from through the unit API. Recorded in the commit that
/// queues the document's messages, so a unit's view of its documents is never missing one it
/// was told is accepted.
public struct Submitter: Sendable, Equatable {
    public var unit: String
    /// What statuses about the document must name (the caller's text, kept as it is).
    public var reference: String

    public init(unit: String, reference: String) {
        self.unit = unit
        self.reference = reference
    }
}

/// A document a unit submitted, with one delivery (an `OutboundMessage`) per recipient.
public struct SubmittedDocument: Sendable, Equatable {
    /// The submission's id: what the unit API calls the document's `id`.
    public var id: String
    public var unit: String
    public var documentID: String
    public var from: String
    public var subject: String
    public var kind: String
    public var reference: String
    public var createdAt: Date
    /// Every OrganId it was sent to, in the order given, whether or not its delivery is still
    /// in the queue (`queue purge` removes delivered ones).
    public var recipients: [String]
    /// One per recipient still in the queue, in the order they were queued.
    public var deliveries: [OutboundMessage]
    public var recall: [RecallEntry]

    /// The document's state as a unit reads it: `MessageState.overall(of:)` of its deliveries.
    public var state: MessageState { MessageState.overall(of: deliveries.map(\.state)) }
    /// The latest change of any delivery.
    public var updatedAt: Date { deliveries.map(\.stateChangedAt).max() ?? createdAt }
}

/// What a recall did for one recipient.
public struct RecallEntry: Sendable, Equatable {
    public enum Action: String, Sendable, Codable {
        /// The delivery had not happened yet: it was cancelled.
        case cancelled
        /// The recipient may have the document: a status 13 was queued to it.
        case statusQueued = "status_queued"
    }

    public var destination: String
    public var action: Action
    /// The status-13 message, for `statusQueued`.
    public var statusMessageID: String?
    public var reason: String
    public var actor: String
    public var at: Date

    public init(destination: String, action: Action, statusMessageID: String?, reason: String, actor: String, at: Date) {
        self.destination = destination
        self.action = action
        self.statusMessageID = statusMessageID
        self.reason = reason
        self.actor = actor
        self.at = at
    }
}

/// A seen idempotency key: the submission it produced and the fingerprint of that request.
public struct IdempotencyRecord: Sendable, Equatable {
    public var submissionID: String
    public var fingerprint: String

    public init(submissionID: String, fingerprint: String) {
        self.submissionID = submissionID
        self.fingerprint = fingerprint
    }
}

/// The unit API's view of the outbox: documents by the unit that submitted them.
public protocol SubmissionStore: Sendable {
    /// The submission, or nil when there is none with this id submitted by `unit`.
    func submission(id: String, unit: String) async throws -> SubmittedDocument?
    /// The unit's submissions, newest first, whose ids sort before `cursor`, in `state` if given.
    func submissions(unit: String, state: MessageState?, before cursor: String?, limit: Int) async throws -> [SubmittedDocument]
    func idempotencyRecord(forKey key: String) async throws -> IdempotencyRecord?
    /// Every attempt of each message, in order.
    func attempts(ofMessages ids: [String]) async throws -> [String: [Attempt]]
    /// Records what a recall did; an entry for a recipient already recorded is kept as it was.
    func recordRecall(_ entries: [RecallEntry], submissionID: String) async throws
}

extension MessageState {
    /// The order in which one delivery's state speaks for the whole document: a dead or held
    /// delivery needs someone whatever the others did; then the least advanced work in progress.
    /// A document whose deliveries are all gone (purged after delivery) reads delivered.
    public static let overallPrecedence: [MessageState] = [.dead, .held, .sending, .retryWait, .queued, .delivered, .cancelled]

    public static func overall(of states: [MessageState]) -> MessageState {
        overallPrecedence.first(where: states.contains) ?? .delivered
    }
}
