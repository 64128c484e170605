import EdXML
import Foundation
import Store

/// What passed every check goes into the inbox (once per message key); what did not is kept as a refusal.
extension InboundPipeline {
    func store(_ examined: Examined, envelope: [UInt8],
               statusReply: Bool) async throws -> (InboundOutcome, [StatusReply.Status]) {
        switch examined.message {
        case .document(let document): try await storeDocument(document, examined, envelope: envelope, statusReply: statusReply)
        case .status(let status): (try await storeStatus(status, examined, envelope: envelope), [])
        }
    }

    func storeDocument(_ document: EdXMLDocument, _ examined: Examined, envelope: [UInt8],
                       statusReply: Bool) async throws -> (InboundOutcome, [StatusReply.Status]) {
        let sender = document.header.from.organId?.text.trimmingCharacters(in: .whitespaces) ?? ""
        var recall: InboundRecall?
        if let business = document.traceList.business, business.kind == .revoke {
            let revoked = business.documentId?.trimmingCharacters(in: .whitespacesAndNewlines)
            recall = InboundRecall(documentID: revoked.flatMap { $0.isEmpty ? nil : $0 } ?? examined.documentID, sender: sender,
                                   reason: business.reason ?? "")
        }
        var stored: [(recipient: String, id: String, unqueuedArrival: InboundFollowUp?)] = []
        var statusReplies: [StatusReply.Status] = []
        var anyNew = false
        for recipient in examined.recipients {
            // The 01 is queued in the row's transaction (and joins the document's timeline with
            // it), so the row never commits without it; it is handed to the delivery worker in
            // that transaction too, or leased to the push's answer. A redelivered duplicate
            // queues it under its key instead (see `arrived`).
            let arrival = try followUps.arrival(of: document, documentID: examined.documentID, recipient: recipient)
            let row = { (followUp: InboundFollowUp?) in
                InboundSubmission(
                    messageKey: InboundMessageKey.document(document, documentID: examined.documentID, recipient: recipient),
                    documentID: examined.documentID, from: sender, to: recipient, subject: document.header.subject ?? "",
                    kind: "edoc", envelope: Data(envelope), verdict: examined.verdict,
                    status: sender.isEmpty ? nil : StatusEvent(documentID: examined.documentID, documentSender: sender,
                                                               code: StatusCode.arrived.text,
                                                               organID: recipient, at: Date()),
                    recall: recall, followUp: followUp)
            }
            let receipt: InboundReceipt
            // Only for a document to one of our OrganIds: the answer to the push for one
            // recipient cannot speak for another (the bus routes it as that recipient's call).
            if statusReply, examined.recipients.count == 1, let arrival {
                let answered: StatusReply.Status?
                (receipt, answered) = try await receiveAnswering(arrival, row: row)
                statusReplies += answered.map { [$0] } ?? []
            } else {
                receipt = try await parts.deliverySignal.handingOff(upTo: arrival == nil ? 0 : 1, { handOff in
                    var followUp = arrival
                    followUp?.submission.handOff = handOff
                    return try await parts.store.receive(row(followUp))
                }, receipt: \.queuedFollowUp)
            }
            if case .stored = receipt {
                anyNew = true
                stored.append((recipient, receipt.id, nil))
            } else {
                stored.append((recipient, receipt.id, arrival))
            }
        }
        for (recipient, id, unqueuedArrival) in stored {
            try await followUps.arrived(document, inboxID: id, recipient: recipient, envelope: envelope,
                                        unqueued: unqueuedArrival)
        }
        if let recall, anyNew, let first = stored.first {
            try await followUps.recalled(recall, by: first.id, envelope: envelope)
        }
        let ids = stored.map(\.id)
        return (anyNew ? .accepted(ids: ids) : .duplicate(ids: ids), statusReplies)
    }

    /// The row stored with its 01 leased to the push's answer, and that 01 (nil when the row was
    /// a duplicate, or the 01 is left to the delivery worker because its destination's circuit is
    /// not closed).
    private func receiveAnswering(_ arrival: InboundFollowUp,
                                  row: (InboundFollowUp?) -> InboundSubmission) async throws -> (InboundReceipt, StatusReply.Status?) {
        var followUp = arrival
        followUp.submission.handOff = HandOff(worker: StatusReply.worker, limit: 1, leaseDuration: StatusReply.grace)
        let receipt = try await parts.store.receive(row(followUp))
        guard let queued = receipt.queuedFollowUp else { return (receipt, nil) }
        guard let claim = queued.handedOff.first else {
            parts.deliverySignal.nudge()
            return (receipt, nil)
        }
        return (receipt, StatusReply.Status(messageId: claim.lease.messageID, lease: claim.lease.token,
                                            envelope: Array(followUp.submission.envelope)))
    }

    func storeStatus(_ status: StatusMessage, _ examined: Examined, envelope: [UInt8]) async throws -> InboundOutcome {
        let sender = status.from.organId?.text.trimmingCharacters(in: .whitespaces) ?? ""
        let code = status.statusCode?.text.trimmingCharacters(in: .whitespaces) ?? ""
        // A status is about the document its ResponseFor names: that document's sender and DocumentId.
        let about = status.responseFor?.organId?.text.trimmingCharacters(in: .whitespaces) ?? ""
        let event = StatusEvent.isValidCode(code)
            ? StatusEvent(documentID: examined.documentID, documentSender: about, code: code, organID: sender,
                          description: status.description ?? "", at: Date())
            : nil
        let recall = code == StatusCode.recallRequested.text
            ? InboundRecall(documentID: examined.documentID, sender: sender, reason: status.description ?? "") : nil
        let receipt = try await parts.store.receive(InboundSubmission(
            messageKey: InboundMessageKey.status(status, documentID: examined.documentID, envelope: envelope),
            documentID: examined.documentID, from: sender, to: examined.recipients.first ?? "",
            subject: "status \(code) (\(StatusCode(code).name))", kind: "status", envelope: Data(envelope),
            verdict: examined.verdict, status: event, recall: recall))
        guard case .stored(let id, _) = receipt else { return .duplicate(ids: [receipt.id]) }
        if let recall { try await followUps.recalled(recall, by: id, envelope: envelope) }
        return .accepted(ids: [id])
    }

    /// Keeps the refused envelope and, when a document's sender can be named, answers it with 02.
    func keep(_ refused: Refused, envelope: [UInt8], source: InboundSource) async throws -> InboundRefusal {
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
