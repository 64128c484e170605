import Foundation

/// What a caller hands the store to send one document: the envelope bytes, a short summary for
/// operators, and one or more destinations (each gets its own delivery).
public struct OutboundSubmission: Sendable {
    public var documentID: String
    public var from: String
    public var to: [String]
    public var subject: String
    public var kind: String
    public var envelope: Data
    /// The unit's `Idempotency-Key`: a second submission with the same key returns the first's
    /// messages instead of queuing again.
    public var idempotencyKey: String?
    /// What a replay of `idempotencyKey` is compared with. nil: the envelope and destinations,
    /// which suits a caller that sends the same bytes again; a caller that signs afresh each time
    /// (new timestamps, a new signature) names the request it answered instead.
    public var requestFingerprint: String?
    /// The unit server this document came from, recorded with its messages in the same commit.
    public var submitter: Submitter?
    /// A worker's free slots: the enqueue claims that many of its messages for it (see `HandOff`).
    public var handOff: HandOff?

    public init(documentID: String, from: String, to: [String], subject: String = "", kind: String = "edoc",
                envelope: Data, idempotencyKey: String? = nil, requestFingerprint: String? = nil,
                submitter: Submitter? = nil, handOff: HandOff? = nil) {
        self.documentID = documentID
        self.from = from
        self.to = to
        self.subject = subject
        self.kind = kind
        self.envelope = envelope
        self.idempotencyKey = idempotencyKey
        self.requestFingerprint = requestFingerprint
        self.submitter = submitter
        self.handOff = handOff
    }
}

/// The answer to an enqueue: the messages (one per destination), durable once this is returned.
public struct EnqueueReceipt: Sendable, Equatable {
    public var submissionID: String
    public var messages: [Delivery]
    /// True when the idempotency key had been seen: nothing new was queued.
    public var replayed: Bool
    /// The messages claimed for the submission's `handOff` worker, in the enqueue's transaction.
    public var handedOff: [ClaimedMessage] = []

    public struct Delivery: Sendable, Equatable {
        public var messageID: String
        public var destination: String
    }
}

/// One delivery of a document to one destination, as stored.
public struct OutboundMessage: Sendable, Equatable, Codable {
    public var id: String
    public var submissionID: String
    public var documentID: String
    public var from: String
    public var destination: String
    public var subject: String
    public var kind: String
    public var blobSHA256: String
    public var blobSize: Int
    public var state: MessageState
    public var attempts: Int
    public var createdAt: Date
    public var stateChangedAt: Date
    /// For `queued`/`retry_wait`: when it may be tried; for `sending`: when the lease expires.
    public var dueAt: Date?
    public var leaseOwner: String?
    public var lastReasonCode: String?
    public var lastReason: String?
}

/// One try at delivering a message.
public struct Attempt: Sendable, Equatable, Encodable {
    public enum Outcome: String, Sendable, Codable {
        case inFlight = "in_flight", delivered, retry, dead, leaseExpired = "lease_expired"
        /// The worker gave the message back unfinished (shutdown); it counts against no budget.
        case released
    }
    public var number: Int
    public var worker: String
    public var startedAt: Date
    public var duration: Duration?
    public var httpStatus: Int?
    public var transportError: String?
    public var reasonCode: String?
    public var reason: String?
    public var outcome: Outcome

    enum CodingKeys: String, CodingKey {
        case number, worker, startedAt, durationMilliseconds, httpStatus, transportError, reasonCode, reason, outcome
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(number, forKey: .number)
        try container.encode(worker, forKey: .worker)
        try container.encode(startedAt, forKey: .startedAt)
        try container.encodeIfPresent(duration?.millis, forKey: .durationMilliseconds)
        try container.encodeIfPresent(httpStatus, forKey: .httpStatus)
        try container.encodeIfPresent(transportError, forKey: .transportError)
        try container.encodeIfPresent(reasonCode, forKey: .reasonCode)
        try container.encodeIfPresent(reason, forKey: .reason)
        try container.encode(outcome, forKey: .outcome)
    }
}

/// A recorded change of state; `from` is nil for the creation of the message.
public struct StateChange: Sendable, Equatable, Codable {
    public var at: Date
    public var from: MessageState?
    public var to: MessageState
    public var reasonCode: String?
    public var detail: String?
    public var actor: String
}

/// One of the edXML statuses (01–16) that came back for a document. A document is named by its
/// sender and its DocumentId together: a DocumentId alone is whatever its sender wrote, and two
/// senders may write the same one.
public struct StatusEvent: Sendable, Equatable, Codable {
    public var documentID: String
    /// The OrganId that sent the document (`From`, or a status's `ResponseFor/OrganId`).
    public var documentSender: String
    public var code: String
    /// The OrganId that gave the status.
    public var organID: String
    public var description: String
    public var at: Date

    public init(documentID: String, documentSender: String, code: String, organID: String, description: String = "", at: Date) {
        self.documentID = documentID
        self.documentSender = documentSender
        self.code = code
        self.organID = organID
        self.description = description
        self.at = at
    }

    /// The decree's statuses run 01 to 16.
    public static func isValidCode(_ code: String) -> Bool {
        code.count == 2 && Int(code).map { (1...16).contains($0) } == true
    }
}

/// Something an operator did: who, when, what, to which message, why, and what came of it.
public struct OperatorAction: Sendable, Equatable, Codable {
    public var at: Date
    public var actor: String
    public var action: String
    public var messageID: String?
    public var reason: String?
    public var result: String
}

/// A document the bus delivered to this gateway.
public struct InboundSubmission: Sendable {
    /// The key of the duplicate check: the same key is stored once.
    public var messageKey: String
    public var documentID: String
    public var from: String
    public var to: String
    public var subject: String
    public var kind: String
    public var envelope: Data
    /// The signature verdict under the gateway's policy (`valid`, `unsigned`, `recorded:<reason>`…).
    public var verdict: String
    /// A status the message carries, joined to its document's timeline in the same transaction.
    public var status: StatusEvent?
    /// A recall the message carries, marked on the inbox documents it names in the same transaction.
    public var recall: InboundRecall?
    /// A message to queue with the row (the status 01 to the sender), when the row is new.
    public var followUp: InboundFollowUp?

    public init(messageKey: String, documentID: String, from: String, to: String, subject: String = "",
                kind: String = "edoc", envelope: Data, verdict: String = "unchecked", status: StatusEvent? = nil,
                recall: InboundRecall? = nil, followUp: InboundFollowUp? = nil) {
        self.messageKey = messageKey
        self.documentID = documentID
        self.from = from
        self.to = to
        self.subject = subject
        self.kind = kind
        self.envelope = envelope
        self.verdict = verdict
        self.status = status
        self.recall = recall
        self.followUp = followUp
    }
}

/// An outbound message queued in the transaction that stores a new inbox row, so the row never
/// commits without it (and a redelivery of a duplicate queues nothing). Its idempotency key is
/// `idempotencyKeyPrefix` followed by the row's id, the key a later attempt to queue the same
/// message for that row would use.
public struct InboundFollowUp: Sendable {
    public var submission: OutboundSubmission
    public var idempotencyKeyPrefix: String

    public init(submission: OutboundSubmission, idempotencyKeyPrefix: String) {
        self.submission = submission
        self.idempotencyKeyPrefix = idempotencyKeyPrefix
    }
}

/// The original sender asks for a document back (status 13, or an envelope whose
/// `BussinessDocType` is 1): every inbox document with that DocumentId from that sender is
/// marked recalled and returns to the unit's list until it is acknowledged again.
public struct InboundRecall: Sendable, Equatable {
    public var documentID: String
    public var sender: String
    public var reason: String

    public init(documentID: String, sender: String, reason: String) {
        self.documentID = documentID
        self.sender = sender
        self.reason = reason
    }
}

public enum InboundReceipt: Sendable, Equatable {
    /// A new row; `followUp` names what its follow-up queued (nil without one).
    case stored(id: String, followUp: EnqueueReceipt? = nil)
    case duplicate(id: String)

    public var id: String {
        switch self { case .stored(let id, _), .duplicate(let id): id }
    }

    /// What the follow-up queued with a new row (nil for a duplicate, or a row without one).
    public var queuedFollowUp: EnqueueReceipt? {
        if case .stored(_, let followUp) = self { followUp } else { nil }
    }
}

public struct InboundMessage: Sendable, Equatable, Codable {
    public var id: String
    public var messageKey: String
    public var documentID: String
    public var from: String
    public var to: String
    public var subject: String
    public var kind: String
    public var blobSHA256: String
    public var receivedAt: Date
    public var acknowledgedAt: Date?
    public var verdict: String = "unchecked"
    public var recalledAt: Date?
    public var recallReason: String?

    /// Who sent the document whose status timeline goes with this message: a document's own
    /// sender; for a status, the recipient here, since statuses come back about documents sent
    /// from here (a recall's 13, about a document sent here, shows on that document instead).
    public var timelineSender: String { kind == "status" ? to : from }
}
