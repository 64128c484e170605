import Foundation
import Logging

/// What the unit API needs from the inbound side (Store inbox, EdXML reader, status sender).
/// Every call is scoped to the calling unit: a unit sees the documents addressed to its OrganIds.
public protocol InboxService: Sendable {
    /// Documents not yet acknowledged, oldest first.
    func list(cursor: String?, limit: Int, for unit: AuthenticatedUnit) async throws -> Page<InboxSummary>
    func document(id: String, for unit: AuthenticatedUnit) async throws -> InboxDocument?
    /// The envelope exactly as received.
    func envelope(id: String, for unit: AuthenticatedUnit) async throws -> InboxFile?
    /// Attachment `index` (from 1, manifest order), unzipped where the sender zipped it.
    func attachment(id: String, index: Int, for unit: AuthenticatedUnit) async throws -> InboxFile?
    /// Marks the document taken; false when this unit has no such document.
    func acknowledge(id: String, by unit: AuthenticatedUnit, logger: Logger) async throws -> Bool
    /// Queues a signed status message to the sender; nil when this unit has no such document.
    func reportStatus(id: String, _ report: StatusReport, by unit: AuthenticatedUnit, logger: Logger) async throws -> StatusReceipt?
}

public struct InboxSummary: Codable, Sendable, Equatable {
    public let id: String
    public let documentId: String
    public let from: String
    public let subject: String?
    public let receivedAt: Date
    /// The signature verdict under the configured policy (`valid`, `unsigned`, `recorded:<reason>`…).
    public let verdict: String
    public let recalled: Bool

    public init(id: String, documentId: String, from: String, subject: String?, receivedAt: Date, verdict: String, recalled: Bool) {
        self.id = id
        self.documentId = documentId
        self.from = from
        self.subject = subject
        self.receivedAt = receivedAt
        self.verdict = verdict
        self.recalled = recalled
    }
}

public struct InboxDocument: Codable, Sendable, Equatable {
    public let id: String
    public let documentId: String
    public let from: String
    public let to: [String]
    public let subject: String?
    public let receivedAt: Date
    public let verdict: String
    public let recalled: Bool
    public let acknowledged: Bool
    public let attachments: [AttachmentInfo]
    public let statuses: [StatusEntry]

    public init(id: String, documentId: String, from: String, to: [String], subject: String?, receivedAt: Date,
                verdict: String, recalled: Bool, acknowledged: Bool, attachments: [AttachmentInfo], statuses: [StatusEntry]) {
        self.id = id
        self.documentId = documentId
        self.from = from
        self.to = to
        self.subject = subject
        self.receivedAt = receivedAt
        self.verdict = verdict
        self.recalled = recalled
        self.acknowledged = acknowledged
        self.attachments = attachments
        self.statuses = statuses
    }
}

public struct AttachmentInfo: Codable, Sendable, Equatable {
    public let index: Int
    public let name: String
    public let contentType: String
    public let size: Int

    public init(index: Int, name: String, contentType: String, size: Int) {
        self.index = index
        self.name = name
        self.contentType = contentType
        self.size = size
    }
}

/// Bytes to send back as they are (an envelope, an attachment).
public struct InboxFile: Sendable, Equatable {
    public let contentType: String
    public let fileName: String?
    public let bytes: [UInt8]

    public init(contentType: String, fileName: String?, bytes: [UInt8]) {
        self.contentType = contentType
        self.fileName = fileName
        self.bytes = bytes
    }
}

/// `POST /v1/inbox/{id}/status`: `{"code": "03", "description": …, "staff": {…}}`. The route
/// reads it strictly with `StatusReport.read` (`UnitRequestJSON`), not through `Decodable`.
public struct StatusReport: Codable, Sendable, Equatable {
    public struct Staff: Codable, Sendable, Equatable {
        public let department: String?
        public let staff: String?
        public let mobile: String?
        public let email: String?
    }

    public let code: String
    public let description: String?
    public let staff: Staff?
}

/// `202 {"id": …}`: the status message's own outbound id.
public struct StatusReceipt: Codable, Sendable, Equatable {
    public let id: String

    public init(id: String) { self.id = id }
}

/// `POST /v1/documents/{id}/recall`: `{"reason": …}`, read by the route with `RecallRequest.read`.
public struct RecallRequest: Codable, Sendable, Equatable {
    public let reason: String
}
