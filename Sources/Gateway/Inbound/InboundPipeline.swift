import EdXML
import Foundation
import Logging
import Store
import XMLDSig

/// One pipeline for every inbound envelope, pushed or polled (docs/gateway.md, "Inbound"):
/// size limit → safe read → validation → signature verdict and sender binding → addressed to one
/// of our OrganIds → duplicate check → durable inbox → status 01 back to the sender and a copy to
/// each unit's webhook. A refusal is kept for the operator and answered with a status 02 when the
/// sender can be identified. Throws only when the store cannot be written (the caller retries).
public struct InboundPipeline: Sendable {
    let parts: GatewayParts
    let reader: EdXMLReader
    let signature: SignatureCheck
    let followUps: InboundFollowUps
    let logger: Logger

    public init(parts: GatewayParts, logger: Logger) {
        self.parts = parts
        reader = EdXMLReader(limits: parts.configuration.limits.xml)
        var verifier = parts.verifier
        verifier?.limits = parts.configuration.limits.xml
        signature = SignatureCheck(mode: parts.configuration.signature.mode, verifier: verifier, binding: parts.senderBinding)
        followUps = InboundFollowUps(parts: parts, logger: logger)
        self.logger = logger
    }

    var organIds: [String] { parts.configuration.organIds }

    public func process(_ envelope: [UInt8], source: InboundSource) async throws -> InboundOutcome {
        let examined: Examined
        do {
            examined = try await examine(envelope)
        } catch let refused as Refused {
            return .refused(try await keep(refused, envelope: envelope, source: source))
        }
        let outcome = try await store(examined, envelope: envelope)
        switch outcome {
        case .accepted(let ids):
            parts.metrics.recordInboundVerdict("accepted", reasonCode: examined.verdictReason)
            logger.info("inbound message stored", metadata: ["message_id": "\(ids.joined(separator: ","))", "source": "\(source)",
                                                             "kind": "\(examined.kind)", "verdict": "\(examined.verdict)"])
        case .duplicate(let ids):
            parts.metrics.recordInboundVerdict("duplicate", reasonCode: nil)
            logger.info("inbound duplicate acknowledged", metadata: ["message_id": "\(ids.joined(separator: ","))", "source": "\(source)"])
        case .refused:
            break
        }
        return outcome
    }

    // MARK: The checks

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
        switch signature.check(parsed.document) {
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
            if let about = status.responseFor?.organId?.text.trimmingCharacters(in: .whitespaces), ours.contains(about) {
                return [about]
            }
            let sender = status.from.organId?.text.trimmingCharacters(in: .whitespaces) ?? ""
            if let held = try await parts.store.inboundDocuments(documentID: documentID, sender: sender).first {
                return [held.to]
            }
            throw Refused("inbound.not_addressed",
                          "the status is about document \(documentID), which is neither ours nor one \(sender.isEmpty ? "its sender" : sender) sent us",
                          message: message, documentID: documentID)
        }
    }

    // MARK: Storing

    func store(_ examined: Examined, envelope: [UInt8]) async throws -> InboundOutcome {
        switch examined.message {
        case .document(let document): try await storeDocument(document, examined, envelope: envelope)
        case .status(let status): try await storeStatus(status, examined, envelope: envelope)
        }
    }

    private func storeDocument(_ document: EdXMLDocument, _ examined: Examined, envelope: [UInt8]) async throws -> InboundOutcome {
        let sender = document.header.from.organId?.text.trimmingCharacters(in: .whitespaces) ?? ""
        var recall: InboundRecall?
        if let business = document.traceList.business, business.kind == .revoke {
            let revoked = business.documentId?.trimmingCharacters(in: .whitespacesAndNewlines)
            recall = InboundRecall(documentID: revoked.flatMap { $0.isEmpty ? nil : $0 } ?? examined.documentID, sender: sender,
                                   reason: business.reason ?? "")
        }
        var stored: [(recipient: String, id: String)] = []
        var anyNew = false
        for recipient in examined.recipients {
            let receipt = try await parts.store.receive(InboundSubmission(
                messageKey: InboundMessageKey.document(document, documentID: examined.documentID, recipient: recipient),
                documentID: examined.documentID, from: sender, to: recipient, subject: document.header.subject ?? "",
                kind: "edoc", envelope: Data(envelope), verdict: examined.verdict, recall: recall))
            if case .stored = receipt { anyNew = true }
            stored.append((recipient, receipt.id))
        }
        // Also on a duplicate: a crash after the row committed and before these were queued is
        // repaired by the redelivery; their idempotency keys queue each one once.
        for (recipient, id) in stored {
            try await followUps.arrived(document, documentID: examined.documentID, inboxID: id, recipient: recipient, envelope: envelope)
        }
        if let recall, anyNew, let first = stored.first {
            try await followUps.recalled(recall, by: first.id, envelope: envelope)
        }
        let ids = stored.map(\.id)
        return anyNew ? .accepted(ids: ids) : .duplicate(ids: ids)
    }

    private func storeStatus(_ status: StatusMessage, _ examined: Examined, envelope: [UInt8]) async throws -> InboundOutcome {
        let sender = status.from.organId?.text.trimmingCharacters(in: .whitespaces) ?? ""
        let code = status.statusCode?.text.trimmingCharacters(in: .whitespaces) ?? ""
        let event = StatusEvent.isValidCode(code)
            ? StatusEvent(documentID: examined.documentID, code: code, organID: sender, description: status.description ?? "", at: Date())
            : nil
        let recall = code == StatusCode.recallRequested.text
            ? InboundRecall(documentID: examined.documentID, sender: sender, reason: status.description ?? "") : nil
        let receipt = try await parts.store.receive(InboundSubmission(
            messageKey: InboundMessageKey.status(status, documentID: examined.documentID, envelope: envelope),
            documentID: examined.documentID, from: sender, to: examined.recipients.first ?? "",
            subject: "status \(code) (\(StatusCode(code).name))", kind: "status", envelope: Data(envelope),
            verdict: examined.verdict, status: event, recall: recall))
        guard case .stored(let id) = receipt else { return .duplicate(ids: [receipt.id]) }
        if let recall { try await followUps.recalled(recall, by: id, envelope: envelope) }
        return .accepted(ids: [id])
    }

    // MARK: Refusals

    /// Keeps the refused envelope and, when a document's sender can be named, answers it with 02.
    private func keep(_ refused: Refused, envelope: [UInt8], source: InboundSource) async throws -> InboundRefusal {
        let document = refused.message?.document
        let sender = refused.message?.from.organId?.text.trimmingCharacters(in: .whitespaces)
        let recipients = document?.header.to.compactMap { $0.organId?.text } ?? []
        let kept = try await parts.store.recordRefusal(RefusalSubmission(
            envelope: Data(envelope), reasonCode: refused.refusal.reasonCode, reason: refused.refusal.explanation,
            sender: sender, documentID: refused.documentID, recipients: recipients, source: source.description))
        parts.metrics.recordInboundVerdict("refused", reasonCode: refused.refusal.reasonCode)
        logger.warning("inbound message refused", metadata: [
            "message_id": "\(kept.id)", "reason": "\(refused.refusal.reasonCode)", "source": "\(source)",
            "sender": "\(sender ?? "-")", "times": "\(kept.times)",
        ])
        if let document, let sender, !sender.isEmpty, kept.statusMessageID == nil {
            let ours = recipients.first { organIds.contains($0) } ?? organIds.first
            if let ours, let statusID = try await followUps.refused(document, documentID: refused.documentID, sender: sender,
                                                                     from: ours, refusal: refused.refusal, refusalID: kept.id) {
                try await parts.store.noteRefusalStatus(kept.id, statusMessageID: statusID)
            }
        }
        return refused.refusal.kept(as: kept.id)
    }
}
