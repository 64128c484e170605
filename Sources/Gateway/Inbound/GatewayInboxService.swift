import EdXML
import Foundation
import Logging
import Store

/// The unit API's inbox (`/v1/inbox…`) over the store's inbox: every answer is scoped to the
/// documents addressed to the calling unit's OrganIds; any other id is "not found".
public struct GatewayInboxService: InboxService {
    let parts: GatewayParts
    let reader: EdXMLReader
    let logger: Logger

    public init(parts: GatewayParts, logger: Logger) {
        self.parts = parts
        var reader = EdXMLReader(limits: parts.configuration.limits.xml)
        // Only headers and attachments are read out of stored envelopes.
        reader.keepsSignatureElement = false
        self.reader = reader
        self.logger = logger
    }

    var store: SQLiteStore { parts.store }

    public func list(cursor: String?, limit: Int, for unit: AuthenticatedUnit) async throws -> Page<InboxSummary> {
        let messages = try await store.inbox(forRecipients: unit.organIds, after: cursor, limit: limit)
        let items = messages.map {
            InboxSummary(id: $0.id, documentId: $0.documentID, from: $0.from, subject: $0.subject.isEmpty ? nil : $0.subject,
                         receivedAt: $0.receivedAt, verdict: $0.verdict, recalled: $0.recalledAt != nil)
        }
        return Page(items: items, next: messages.count == limit ? messages.last?.id : nil)
    }

    public func document(id: String, for unit: AuthenticatedUnit) async throws -> InboxDocument? {
        guard let message = try await store.inboundDocument(id, forRecipients: unit.organIds) else { return nil }
        let attachments = try InboxAttachments(envelope: try await store.inboundEnvelope(id), reader: reader)
        let files = try attachments.files().enumerated().map {
            AttachmentInfo(index: $0.offset + 1, name: $0.element.name, contentType: $0.element.contentType, size: $0.element.bytes.count)
        }
        let statuses = try await store.timeline(ofDocument: message.documentID, sentBy: message.timelineSender).map {
            StatusEntry(code: $0.code, from: $0.organID, at: $0.at, description: $0.description.isEmpty ? nil : $0.description)
        }
        return InboxDocument(id: message.id, documentId: message.documentID, from: message.from,
                             to: attachments.document.header.to.compactMap { $0.organId?.text }, subject: message.subject.isEmpty ? nil : message.subject,
                             receivedAt: message.receivedAt, verdict: message.verdict, recalled: message.recalledAt != nil,
                             acknowledged: message.acknowledgedAt != nil, attachments: files, statuses: statuses)
    }

    public func envelope(id: String, for unit: AuthenticatedUnit) async throws -> InboxFile? {
        guard try await store.inboundDocument(id, forRecipients: unit.organIds) != nil else { return nil }
        return InboxFile(contentType: "application/xml", fileName: "\(id).edxml", bytes: Array(try await store.inboundEnvelope(id)))
    }

    public func attachment(id: String, index: Int, for unit: AuthenticatedUnit) async throws -> InboxFile? {
        guard try await store.inboundDocument(id, forRecipients: unit.organIds) != nil else { return nil }
        let attachments = try InboxAttachments(envelope: try await store.inboundEnvelope(id), reader: reader)
        guard let file = try attachments.file(index) else { return nil }
        return InboxFile(contentType: file.contentType, fileName: file.name, bytes: file.bytes)
    }

    public func acknowledge(id: String, by unit: AuthenticatedUnit, logger: Logger) async throws -> Bool {
        let done = try await store.acknowledgeInbound(id, forRecipients: unit.organIds)
        if done { logger.info("inbox document acknowledged", metadata: ["unit": "\(unit.name)"]) }
        return done
    }

    /// A signed status from the document's recipient to its sender, about it. Also joins the
    /// document's timeline, so `GET /v1/inbox/{id}` shows what the unit reported.
    public func reportStatus(id: String, _ report: StatusReport, by unit: AuthenticatedUnit, logger: Logger) async throws -> StatusReceipt? {
        guard let message = try await store.inboundDocument(id, forRecipients: unit.organIds) else { return nil }
        let envelope = try await store.inboundEnvelope(id)
        guard let header = try reader.read(envelope).message.document?.header else { return nil }
        let staff = report.staff.map { StaffInfo(department: $0.department, staff: $0.staff, mobile: $0.mobile, email: $0.email) }
        let status = StatusSender.Status(code: StatusCode(report.code), description: report.description, staff: staff,
                                         from: OrganId(message.to), to: OrganId(message.from),
                                         about: InboundFollowUps.about(header, documentID: message.documentID))
        let statusID = try await parts.statusSender.send(status)
        if StatusEvent.isValidCode(report.code) {
            try await store.recordStatus(StatusEvent(documentID: message.documentID, documentSender: message.from,
                                                     code: report.code, organID: message.to,
                                                     description: report.description ?? "", at: Date()))
        }
        logger.info("inbox status queued", metadata: ["unit": "\(unit.name)", "code": "\(report.code)", "status_message_id": "\(statusID)"])
        return StatusReceipt(id: statusID)
    }
}
