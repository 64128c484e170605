import Foundation
import Logging

/// What the unit API needs from the outbound side (EdXML builder, XMLDSig signer, Store outbox).
/// The routes authenticate, limit and decode; an implementation does the work and scopes every
/// answer to the calling unit. Throw a `Problem` for a specific HTTP answer, or any `ReasonCoded`
/// refusal (answered 422 with its reason code).
public protocol OutboundService: Sendable {
    /// Validates, completes, signs and commits a new outbound document; returns only once the
    /// message is durable. The same `idempotencyKey` from the same unit returns the first receipt.
    func submit(_ submission: UnitSubmission, by unit: AuthenticatedUnit, logger: Logger) async throws -> OutboundReceipt
    /// The document and its delivery history, or nil when this unit has no such document.
    func document(id: String, for unit: AuthenticatedUnit) async throws -> OutboundDocument?
    /// The unit's documents, newest first, optionally in one queue state.
    func documents(state: String?, cursor: String?, limit: Int, for unit: AuthenticatedUnit) async throws -> Page<OutboundSummary>
    /// Sends a recall (status 13) for a delivered document; nil when this unit has no such document.
    func recall(id: String, reason: String, by unit: AuthenticatedUnit, logger: Logger) async throws -> OutboundDocument?
}

/// A new document as the unit sent it: the body in one of the accepted forms.
public struct UnitSubmission: Sendable {
    public enum Format: Sendable, Equatable {
        /// The JSON of `lienthong build`, attachments as base64 inside it.
        case json
        /// `multipart/form-data`: a `document` part with that JSON, then one part per file.
        case multipart(boundary: String)
        /// A ready `.edxml` envelope (`application/xml`), to be checked, completed and signed.
        case edxml
    }

    public let format: Format
    public let body: [UInt8]
    public let idempotencyKey: String?

    public init(format: Format, body: [UInt8], idempotencyKey: String?) {
        self.format = format
        self.body = body
        self.idempotencyKey = idempotencyKey
    }
}

/// `202 {"id": …, "documentId": …}`.
public struct OutboundReceipt: Codable, Sendable, Equatable {
    public let id: String
    public let documentId: String

    public init(id: String, documentId: String) {
        self.id = id
        self.documentId = documentId
    }
}

public struct OutboundSummary: Codable, Sendable, Equatable {
    public let id: String
    public let documentId: String
    public let state: String
    public let to: [String]
    public let subject: String?
    public let createdAt: Date
    public let updatedAt: Date

    public init(id: String, documentId: String, state: String, to: [String], subject: String?, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.documentId = documentId
        self.state = state
        self.to = to
        self.subject = subject
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// `GET /v1/documents/{id}`.
public struct OutboundDocument: Codable, Sendable, Equatable {
    public let id: String
    public let documentId: String
    /// Queue state: queued, sending, retry_wait, delivered, dead, held, cancelled.
    public let state: String
    public let from: String
    public let to: [String]
    public let subject: String?
    public let createdAt: Date
    public let updatedAt: Date
    /// Why the document is dead or held, as a reason code.
    public let reason: String?
    public let nextAttemptAt: Date?
    public let attempts: [DeliveryAttempt]
    public let statuses: [StatusEntry]
    /// One per recipient: where the document stands with each.
    public let deliveries: [RecipientDelivery]
    /// Present once the unit recalled the document.
    public let recall: RecallSummary?

    public init(id: String, documentId: String, state: String, from: String, to: [String], subject: String?,
                createdAt: Date, updatedAt: Date, reason: String?, nextAttemptAt: Date?,
                attempts: [DeliveryAttempt], statuses: [StatusEntry], deliveries: [RecipientDelivery] = [],
                recall: RecallSummary? = nil) {
        self.id = id
        self.documentId = documentId
        self.state = state
        self.from = from
        self.to = to
        self.subject = subject
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.reason = reason
        self.nextAttemptAt = nextAttemptAt
        self.attempts = attempts
        self.statuses = statuses
        self.deliveries = deliveries
        self.recall = recall
    }
}

/// The document's delivery to one recipient (one outbound message).
public struct RecipientDelivery: Codable, Sendable, Equatable {
    public let to: String
    public let messageId: String
    public let state: String
    public let attempts: Int
    public let updatedAt: Date
    public let nextAttemptAt: Date?
    /// The reason code of the last failure (or of the cancellation).
    public let reason: String?
    public let detail: String?

    public init(to: String, messageId: String, state: String, attempts: Int, updatedAt: Date, nextAttemptAt: Date?,
                reason: String?, detail: String?) {
        self.to = to
        self.messageId = messageId
        self.state = state
        self.attempts = attempts
        self.updatedAt = updatedAt
        self.nextAttemptAt = nextAttemptAt
        self.reason = reason
        self.detail = detail
    }
}

/// What a recall did: per recipient, the undelivered message cancelled or a status 13 queued.
public struct RecallSummary: Codable, Sendable, Equatable {
    public struct Recipient: Codable, Sendable, Equatable {
        public let to: String
        /// `cancelled` or `status_queued`.
        public let action: String
        /// The status-13 message's outbound id, for `status_queued`.
        public let statusMessageId: String?
        /// That message's queue state.
        public let statusState: String?

        public init(to: String, action: String, statusMessageId: String?, statusState: String?) {
            self.to = to
            self.action = action
            self.statusMessageId = statusMessageId
            self.statusState = statusState
        }
    }

    public let at: Date
    public let reason: String
    public let recipients: [Recipient]

    public init(at: Date, reason: String, recipients: [Recipient]) {
        self.at = at
        self.reason = reason
        self.recipients = recipients
    }
}

/// One try at handing a message to the bus.
public struct DeliveryAttempt: Codable, Sendable, Equatable {
    public let at: Date
    public let durationMs: Int
    public let httpStatus: Int?
    /// `delivered`, `retry`, `dead`, `lease_expired` or `in_flight`.
    public let outcome: String
    /// The failure's reason code.
    public let reason: String?
    /// The recipient this attempt was for.
    public let to: String?
    /// The failure in a sentence.
    public let detail: String?

    public init(at: Date, durationMs: Int, httpStatus: Int?, outcome: String, reason: String?, to: String? = nil,
                detail: String? = nil) {
        self.at = at
        self.durationMs = durationMs
        self.httpStatus = httpStatus
        self.outcome = outcome
        self.reason = reason
        self.to = to
        self.detail = detail
    }
}

/// A business status (01 arrived, 03 accepted, …) as it joined a document's timeline.
public struct StatusEntry: Codable, Sendable, Equatable {
    public let code: String
    public let from: String
    public let at: Date
    public let description: String?

    public init(code: String, from: String, at: Date, description: String?) {
        self.code = code
        self.from = from
        self.at = at
        self.description = description
    }
}

/// A cursor-paged list: `next` is the cursor of the following page, absent on the last.
public struct Page<Item: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    public let items: [Item]
    public let next: String?

    public init(items: [Item], next: String?) {
        self.items = items
        self.next = next
    }
}
