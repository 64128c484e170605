import EdXML
import Foundation
import Store

/// The checks, in order: size, safe read, field rules, signature and binding, addressing.
extension InboundPipeline {
    /// What passed every check.
    struct Examined: Sendable {
        var message: EdXMLMessage
        var verdict: String
        var verdictReason: String?
        /// Our OrganIds it is for: the document's `To` that are ours; for a status, the one it reports to.
        var recipients: [String]
        /// DocumentId of the document, or of the document a status is about.
        var documentID: String
        var kind: String { message.status == nil ? "edoc" : "status" }
    }

    /// A refusal, with whatever was read before it (to name the sender and answer 02).
    struct Refused: Error {
        var refusal: InboundRefusal
        var message: EdXMLMessage?
        var documentID: String?

        init(_ code: String, _ explanation: String, message: EdXMLMessage? = nil, documentID: String? = nil) {
            refusal = InboundRefusal(code, explanation)
            self.message = message
            self.documentID = documentID
        }
    }

    func examine(_ envelope: [UInt8]) async throws -> Examined {
        let limit = parts.configuration.limits.xml.maxBytes
        guard envelope.count <= limit else {
            throw Refused("xml.too_large", "the envelope is \(envelope.count) bytes, over the limit of \(limit)")
        }
        let parsed: ParsedInput
        let read: ReadResult
        do {
            parsed = try reader.parse(Data(envelope))
            read = try reader.read(parsed)
        } catch let error as any ReasonCoded {
            throw Refused(error.reasonCode, error.explanation)
        }
        let message = read.message
        let documentID = message.document.map { InboundMessageKey.documentID(of: $0.header, envelope: envelope) }
            ?? message.status?.responseFor.flatMap(InboundMessageKey.documentID(of:))
        if let blocking = read.errors.first(where: { !Self.tolerated($0.reasonCode) }) {
            throw Refused(blocking.reasonCode, blocking.description, message: message, documentID: documentID)
        }
        let verdict: String, verdictReason: String?
        switch signature.check(parsed.document, parsedFrom: parsed.parsedPart(of: envelope)) {
        case .refused(let code, let explanation):
            throw Refused(code, explanation, message: message, documentID: documentID)
        case .accepted(let text, let reason):
            (verdict, verdictReason) = (text, reason)
        }
        guard let documentID else {
            throw Refused("edxml.response_for_incomplete", "the status does not say which document it is about", message: message)
        }
        let recipients = try await recipients(of: message, documentID: documentID)
        return Examined(message: message, verdict: verdict, verdictReason: verdictReason, recipients: recipients, documentID: documentID)
    }

    /// Findings that do not make a message unusable: real traffic carries impossible dates
    /// (EDXML.md), which are kept as their text and shown, never a reason to refuse.
    static func tolerated(_ reasonCode: String) -> Bool {
        reasonCode.hasPrefix("edxml.date_")
    }

    /// Our OrganIds the message is for, or `inbound.not_addressed`. A document names them in
    /// `To`; a status is for us when it is about one of our documents (`ResponseFor/OrganId`) or
    /// about a document its sender sent us (a recall, 13).
    func recipients(of message: EdXMLMessage, documentID: String) async throws -> [String] {
        let ours = Set(organIds)
        switch message {
        case .document(let document):
            let named = document.header.to.compactMap { $0.organId?.text.trimmingCharacters(in: .whitespaces) }
            var recipients: [String] = []
            for id in named where ours.contains(id) && !recipients.contains(id) { recipients.append(id) }
            guard !recipients.isEmpty else {
                throw Refused("inbound.not_addressed",
                              "the document is addressed to \(named.isEmpty ? "nobody" : named.joined(separator: ", ")); this gateway receives for \(organIds.joined(separator: ", "))",
                              message: message, documentID: documentID)
            }
            return recipients
        case .status(let status):
            let sender = status.from.organId?.text.trimmingCharacters(in: .whitespaces) ?? ""
            if let about = status.responseFor?.organId?.text.trimmingCharacters(in: .whitespaces), ours.contains(about) {
                try checkReporter(sender, of: status, about: about, documentID: documentID, message: message)
                return [about]
            }
            if let held = try await parts.store.inboundDocuments(documentID: documentID, sender: sender).first {
                return [held.to]
            }
            throw Refused("inbound.not_addressed",
                          "the status is about document \(documentID), which is neither ours nor one \(sender.isEmpty ? "its sender" : sender) sent us",
                          message: message, documentID: documentID)
        }
    }

    /// A status about one of our documents is its recipients' to give (EDXML.md), the bus's
    /// own (a 02 for a recipient it could not deliver to), or its sender's (a recall, 13, when
    /// the sender and a recipient are both ours). A document this store has no record of (sent
    /// before the record was kept, or by another system) cannot be checked, and its statuses
    /// are taken as before.
    func checkReporter(_ reporter: String, of status: StatusMessage, about sender: String, documentID: String,
                       message: EdXMLMessage) throws {
        if reporter == sender { return }
        if let bus = parts.configuration.bus?.organId, reporter == bus { return }
        let recipients = try parts.store.recipients(ofDocument: documentID, sentBy: sender)
        guard recipients.isEmpty || recipients.contains(reporter) else {
            throw Refused("inbound.status_not_from_recipient",
                          "\(reporter.isEmpty ? "a sender without an OrganId" : reporter) reports status \(status.statusCode?.text ?? "?") on document \(documentID), which \(sender) sent only to \(recipients.sorted().joined(separator: ", "))",
                          message: message, documentID: documentID)
        }
    }
}
