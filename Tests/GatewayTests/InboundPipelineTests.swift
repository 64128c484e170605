import EdXML
import Foundation
import Gateway
import Store
import Testing
import TestSupport
import XMLDSig

@Suite("Inbound pipeline")
struct InboundPipelineTests {
    let pki: DevelopmentPKI
    let h41: EnvelopeSigner

    init() throws {
        pki = try InboundPKI.trusted.get()
        h41 = try InboundPKI.signer(pki, InboundNode.sender)
    }

    @Test("a valid signed document is stored with verdict valid and a signed 01 goes back to its sender")
    func validDocument() async throws {
        let node = try InboundNode()
        defer { node.remove() }
        let outcome = try await node.pipeline.process(try node.envelope(signer: h41), source: .push)
        guard case .accepted(let ids) = outcome else { Issue.record("not accepted: \(outcome)"); return }
        #expect(ids.count == 1)

        let inbox = try await node.store.inbox(forRecipients: ["000.00.00.G22"], after: nil, limit: 10)
        #expect(inbox.map(\.id) == ids)
        #expect(inbox.first?.verdict == "valid")
        #expect(inbox.first?.from == InboundNode.sender)
        #expect(inbox.first?.documentID == "000.00.00.H41,2026/11/20,12/UBND-VP")

        let statuses = try await node.queuedStatuses()
        #expect(statuses.count == 1)
        let arrived = try #require(statuses.first)
        #expect(arrived.message.destination == InboundNode.sender)
        #expect(arrived.message.from == "000.00.00.G22")
        #expect(arrived.status.statusCode == .arrived)
        #expect(arrived.status.responseFor?.documentId == "000.00.00.H41,2026/11/20,12/UBND-VP")
        let verdict = try node.verifier().verify(arrived.envelope)
        #expect(verdict.isValid, "the 01 is signed with the gateway's key: \(verdict.summary)")
        #expect(verdict.signer?.organId == "000.00.00.G22")
        #expect(try await node.store.timeline(ofDocument: "000.00.00.H41,2026/11/20,12/UBND-VP", sentBy: InboundNode.sender).map(\.code) == ["01"])
    }

    @Test("the same document pushed twice is stored once and answered with one 01")
    func duplicate() async throws {
        let node = try InboundNode()
        defer { node.remove() }
        let envelope = try node.envelope(signer: h41)
        let first = try await node.pipeline.process(envelope, source: .push)
        // The bus re-serialises and re-signs nothing, but a second delivery may come by the poller.
        let second = try await node.pipeline.process(envelope, source: .poll(busDocId: "bus-1"))
        guard case .accepted(let ids) = first, case .duplicate(let again) = second else {
            Issue.record("expected accepted then duplicate, got \(first) and \(second)"); return
        }
        #expect(ids == again)
        #expect(try await node.store.inbox(forRecipients: ["000.00.00.G22"], after: nil, limit: 10).count == 1)
        #expect(try await node.queuedStatuses().count == 1)
        #expect(try await node.queued(kind: "webhook").count == 1)
        #expect(try await node.store.timeline(ofDocument: "000.00.00.H41,2026/11/20,12/UBND-VP", sentBy: InboundNode.sender).map(\.code) == ["01"])
    }

    @Test("the same document delivered again with other bytes (the bus stamped it anew) is a duplicate: no error, one webhook copy, the first bytes kept")
    func redeliveryWithOtherBytes() async throws {
        let node = try InboundNode()
        defer { node.remove() }
        let envelope = try node.envelope(signer: h41)
        func stamped(_ time: String) throws -> [UInt8] {
            let end = Array("</edXML:TraceHeaderList>".utf8)
            let at = try #require(envelope.indices.first { envelope[$0...].starts(with: end) })
            var bytes = envelope
            bytes.insert(contentsOf: Array("<!--bus TraceHeader: OrganId=000.00.00.BUS Timestamp=\(time)-->".utf8), at: at)
            return bytes
        }
        let first = try await node.pipeline.process(try stamped("2026/12/07 10:00:00"), source: .push)
        let second = try await node.pipeline.process(try stamped("2026/12/07 10:05:00"), source: .poll(busDocId: "bus-2"))
        guard case .accepted(let ids) = first, case .duplicate(let again) = second else {
            Issue.record("expected accepted then duplicate, got \(first) and \(second)"); return
        }
        #expect(ids == again)
        #expect(try await node.queued(kind: "webhook").count == 1)
        #expect(try await node.queuedStatuses().count == 1)
        #expect(Array(try await node.store.inboundEnvelope(ids[0])) == (try stamped("2026/12/07 10:00:00")))
    }

    @Test("a row stored without its 01 (an earlier version, stopped in between) gets it once on redelivery")
    func redeliveryQueuesAMissing01Once() async throws {
        let node = try InboundNode()
        defer { node.remove() }
        let envelope = try node.envelope(signer: h41)
        let documentID = "000.00.00.H41,2026/11/20,12/UBND-VP"
        // The row as the previous version left it: committed, its 01 still to be queued.
        let row = try await node.store.receive(InboundSubmission(
            messageKey: "edoc|\(InboundNode.sender)|\(documentID)|000.00.00.G22", documentID: documentID,
            from: InboundNode.sender, to: "000.00.00.G22", envelope: Data(envelope), verdict: "valid"))
        #expect(try await node.queuedStatuses().isEmpty)

        let again = try await node.pipeline.process(envelope, source: .push)
        let thirdTime = try await node.pipeline.process(envelope, source: .poll(busDocId: "bus-1"))
        #expect(again == .duplicate(ids: [row.id]))
        #expect(thirdTime == .duplicate(ids: [row.id]))
        let statuses = try await node.queuedStatuses()
        #expect(statuses.map(\.status.statusCode) == [.arrived])
        #expect(statuses.first?.message.destination == InboundNode.sender)
    }

    @Test("a document for two of our OrganIds is stored once for each, each answered with its 01")
    func twoRecipients() async throws {
        let node = try InboundNode()
        defer { node.remove() }
        let outcome = try await node.pipeline.process(
            try node.envelope(to: ["000.00.00.G22", "000.00.00.H99", "000.00.00.G23"], signer: h41), source: .push)
        #expect(outcome.ids.count == 2)
        #expect(try await node.store.inbox(forRecipients: ["000.00.00.G23"], after: nil, limit: 10).count == 1)
        #expect(Set(try await node.queuedStatuses().map(\.message.from)) == ["000.00.00.G22", "000.00.00.G23"])
    }

    @Test("a tampered document is refused with signature.digest_mismatch, kept, and answered with 02")
    func tampered() async throws {
        let node = try InboundNode()
        defer { node.remove() }
        var envelope = String(decoding: try node.envelope(signer: h41), as: UTF8.self)
        envelope = envelope.replacingOccurrences(of: "V/v thử nghiệm liên thông", with: "V/v thử nghiệm đã sửa")
        let outcome = try await node.pipeline.process(Array(envelope.utf8), source: .push)
        guard case .refused(let refusal) = outcome else { Issue.record("not refused: \(outcome)"); return }
        #expect(refusal.reasonCode == "signature.digest_mismatch")
        #expect(try await node.store.inbox(forRecipients: ["000.00.00.G22"], after: nil, limit: 10).isEmpty)

        let kept = try await node.store.refusals(limit: 10)
        #expect(kept.count == 1)
        #expect(kept.first?.reasonCode == "signature.digest_mismatch")
        #expect(kept.first?.sender == InboundNode.sender)
        let keptID = try #require(kept.first?.id)
        #expect(try await node.store.refusalEnvelope(keptID) == Data(envelope.utf8))

        let statuses = try await node.queuedStatuses()
        #expect(statuses.count == 1)
        #expect(statuses.first?.status.statusCode == .refused)
        #expect(statuses.first?.message.destination == InboundNode.sender)
        #expect(statuses.first?.status.description?.hasPrefix("signature.digest_mismatch: ") == true)
        #expect(kept.first?.statusMessageID == statuses.first?.message.id)

        // The same bytes again: one refusal seen twice, still one 02.
        _ = try await node.pipeline.process(Array(envelope.utf8), source: .push)
        #expect(try await node.store.refusals(limit: 10).map(\.times) == [2])
        #expect(try await node.queuedStatuses().count == 1)
    }

    @Test("a document signed by a signer no anchor vouches for is refused with cert.untrusted")
    func untrusted() async throws {
        let node = try InboundNode()
        defer { node.remove() }
        let stranger = try InboundPKI.signer(try InboundPKI.stranger.get(), InboundNode.sender)
        let outcome = try await node.pipeline.process(try node.envelope(signer: stranger), source: .push)
        guard case .refused(let refusal) = outcome else { Issue.record("not refused: \(outcome)"); return }
        #expect(refusal.reasonCode == "cert.untrusted")
        #expect(try await node.store.refusals(limit: 10).first?.reasonCode == "cert.untrusted")
    }

    @Test("a signer whose certificate names another OrganId is refused with sender.not_bound")
    func notBound() async throws {
        let node = try InboundNode()
        defer { node.remove() }
        let g22 = try InboundPKI.signer(pki, "000.00.00.G22")
        let outcome = try await node.pipeline.process(try node.envelope(signer: g22), source: .push)
        #expect(outcome.refusalCode == "sender.not_bound")
    }

    @Test("a document addressed to nobody we receive for is refused with inbound.not_addressed")
    func notAddressed() async throws {
        let node = try InboundNode()
        defer { node.remove() }
        let outcome = try await node.pipeline.process(try node.envelope(to: ["000.00.00.H99"], signer: h41), source: .push)
        #expect(outcome.refusalCode == "inbound.not_addressed")
        #expect(try await node.queuedStatuses().map(\.status.statusCode) == [.refused])
    }

    @Test("a DOCTYPE or malformed XML is refused with the parser's reason code; nothing enters the inbox, no status is sent")
    func hostileXML() async throws {
        let node = try InboundNode()
        defer { node.remove() }
        let doctype = """
        <?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY x "boom">]><edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">&x;</edXML>
        """
        #expect(try await node.pipeline.process(Array(doctype.utf8), source: .push).refusalCode == "xml.doctype_forbidden")
        let truncated = Array(try node.envelope(signer: h41).prefix(300))
        #expect(try await node.pipeline.process(truncated, source: .push).refusalCode == "xml.malformed")
        #expect(try await node.pipeline.process(Array("<notEdXML/>".utf8), source: .push).refusalCode == "edxml.not_edxml")
        #expect(try await node.store.inboundMessages(after: nil, limit: 10, includeAcknowledged: true).isEmpty)
        #expect(try await node.store.refusals(limit: 10).count == 3)
        #expect(try await node.queuedStatuses().isEmpty, "no sender can be named, so no 02")
    }

    @Test("under policy record an unsigned document is accepted with verdict unsigned, a tampered one with its reason")
    func recordPolicy() async throws {
        let node = try InboundNode(policy: "record")
        defer { node.remove() }
        #expect(try await node.pipeline.process(try node.envelope(number: "1", signer: nil), source: .push).refusalCode == nil)
        let tampered = String(decoding: try node.envelope(number: "2", signer: h41), as: UTF8.self)
            .replacingOccurrences(of: "Công văn", with: "Quyết định")
        #expect(try await node.pipeline.process(Array(tampered.utf8), source: .push).refusalCode == nil)
        let verdicts = try await node.store.inbox(forRecipients: ["000.00.00.G22"], after: nil, limit: 10).map(\.verdict)
        #expect(verdicts == ["unsigned", "recorded:signature.digest_mismatch"])
    }

    @Test("under policy require an unsigned document is refused with signature.missing")
    func requirePolicyUnsigned() async throws {
        let node = try InboundNode()
        defer { node.remove() }
        #expect(try await node.pipeline.process(try node.envelope(signer: nil), source: .push).refusalCode == "signature.missing")
    }

    @Test("a status 03 about one of our outbound documents joins its timeline")
    func statusJoinsOutboundTimeline() async throws {
        let node = try InboundNode()
        defer { node.remove() }
        let ours = "000.00.00.G22,2026/11/21,7/VPCP-TTĐT"
        try await node.sent(ours, to: [InboundNode.sender])
        let status = try node.statusEnvelope(code: .accepted, about: ours, owner: "000.00.00.G22", signer: h41)
        guard case .accepted = try await node.pipeline.process(status, source: .push) else { Issue.record("status not accepted"); return }
        let timeline = try await node.store.timeline(ofDocument: ours, sentBy: "000.00.00.G22")
        #expect(timeline.map(\.code) == ["03"])
        #expect(timeline.first?.organID == InboundNode.sender)
        // The same status again is a duplicate and adds nothing.
        #expect(try await node.pipeline.process(status, source: .push) == .duplicate(ids: try await node.store.inboundMessages(after: nil, limit: 10, includeAcknowledged: true).map(\.id)))
        #expect(try await node.store.timeline(ofDocument: ours, sentBy: "000.00.00.G22").count == 1)
        #expect(try await node.store.inbox(forRecipients: ["000.00.00.G22"], after: nil, limit: 10).isEmpty, "a status is not a document for the unit")
    }

    @Test("a status on one of our documents from an agency it was not sent to is refused, kept, and joins no timeline")
    func statusFromANonRecipient() async throws {
        let node = try InboundNode()
        defer { node.remove() }
        let ours = "000.00.00.G22,2026/11/21,8/VPCP-TTĐT"
        try await node.sent(ours, to: ["000.00.00.H77"])
        let status = try node.statusEnvelope(code: .finished, about: ours, owner: "000.00.00.G22", signer: h41)
        let outcome = try await node.pipeline.process(status, source: .push)
        #expect(outcome.refusalCode == "inbound.status_not_from_recipient")
        #expect(try await node.store.timeline(ofDocument: ours, sentBy: "000.00.00.G22").isEmpty)
        let kept = try await node.store.refusals(limit: 10)
        #expect(kept.map(\.reasonCode) == ["inbound.status_not_from_recipient"])
        #expect(kept.first?.reason.contains("000.00.00.H77") == true, "the refusal says who the document went to")
        #expect(try await node.queuedStatuses().isEmpty, "no 02 answers a status")

        // A document this gateway has no record of (sent before it kept one) cannot be checked.
        let older = "000.00.00.G22,2025/01/02,1/VPCP-TTĐT"
        let unchecked = try node.statusEnvelope(code: .accepted, about: older, owner: "000.00.00.G22", signer: h41)
        guard case .accepted = try await node.pipeline.process(unchecked, source: .push) else { Issue.record("status not accepted"); return }
    }

    @Test("a recall between two of our own OrganIds is the sender's status, not a stranger's")
    func recallBetweenOurOwnOrganIds() async throws {
        let node = try InboundNode()
        defer { node.remove() }
        let ours = "000.00.00.G22,2026/11/21,10/VPCP-TTĐT"
        try await node.sent(ours, to: ["000.00.00.G23"])
        let recall = try node.statusEnvelope(code: .recallRequested, from: "000.00.00.G22", about: ours, owner: "000.00.00.G22",
                                             description: "Gửi nhầm", signer: InboundPKI.signer(try InboundPKI.trusted.get(), "000.00.00.G22"))
        let outcome = try await node.pipeline.process(recall, source: .push)
        guard case .accepted = outcome else { Issue.record("the recall was not taken: \(outcome)"); return }
    }

    @Test("the bus's own status (bus.organ_id) is taken on any of our documents")
    func statusFromTheBus() async throws {
        let node = try InboundNode(busExtra: "organ_id = \"\(InboundNode.sender)\"")
        defer { node.remove() }
        let ours = "000.00.00.G22,2026/11/21,9/VPCP-TTĐT"
        try await node.sent(ours, to: ["000.00.00.H77"])
        let status = try node.statusEnvelope(code: .refused, about: ours, owner: "000.00.00.G22",
                                             description: "bus.recipient_unknown: not delivered to 000.00.00.H77", signer: h41)
        guard case .accepted = try await node.pipeline.process(status, source: .push) else { Issue.record("status not accepted"); return }
        #expect(try await node.store.timeline(ofDocument: ours, sentBy: "000.00.00.G22").map(\.code) == ["02"])
    }

    @Test("a status about a document that is neither ours nor sent to us is refused")
    func strayStatus() async throws {
        let node = try InboundNode()
        defer { node.remove() }
        let status = try node.statusEnvelope(code: .accepted, about: "000.00.00.H99,2026/11/21,1/X", owner: "000.00.00.H99", signer: h41)
        #expect(try await node.pipeline.process(status, source: .push).refusalCode == "inbound.not_addressed")
        #expect(try await node.queuedStatuses().isEmpty, "no 02 answers a status")
    }

    @Test("a status 13 marks the inbox document recalled, returns it to the list, copies it to the webhook; the unit answers 15")
    func recallByStatus() async throws {
        let node = try InboundNode()
        defer { node.remove() }
        guard case .accepted(let ids) = try await node.pipeline.process(try node.envelope(signer: h41), source: .push),
              let inboxID = ids.first else { Issue.record("document not accepted"); return }
        let inbox = try #require(node.services.inbox)
        let office = AuthenticatedUnit(name: "office", organIds: ["000.00.00.G22"])
        #expect(try await inbox.acknowledge(id: inboxID, by: office, logger: InboundNode.logger))
        #expect(try await inbox.list(cursor: nil, limit: 10, for: office).items.isEmpty)

        let documentID = "000.00.00.H41,2026/11/20,12/UBND-VP"
        let recall = try node.statusEnvelope(code: .recallRequested, about: documentID, owner: InboundNode.sender,
                                             description: "Sai số ký hiệu", signer: h41)
        guard case .accepted = try await node.pipeline.process(recall, source: .push) else { Issue.record("recall not accepted"); return }
        let listed = try await inbox.list(cursor: nil, limit: 10, for: office).items
        #expect(listed.map(\.id) == [inboxID])
        #expect(listed.first?.recalled == true)
        let document = try #require(try await inbox.document(id: inboxID, for: office))
        #expect(document.recalled)
        #expect(document.statuses.map(\.code).contains("13"))
        let webhooks = try await node.queued(kind: "webhook")
        #expect(webhooks.map(\.documentID) == [inboxID, inboxID], "the document, then the recall, for the office's webhook")
        #expect(webhooks.map(\.destination) == ["webhook:office", "webhook:office"])

        let report = try JSONDecoder().decode(StatusReport.self, from: Data(#"{"code": "15", "description": "Đồng ý thu hồi"}"#.utf8))
        let receipt = try #require(try await inbox.reportStatus(id: inboxID, report, by: office, logger: InboundNode.logger))
        let answer = try #require(try await node.queuedStatuses().first { $0.message.id == receipt.id })
        #expect(answer.status.statusCode == .changeAccepted)
        #expect(answer.message.destination == InboundNode.sender)
        #expect(answer.status.responseFor?.documentId == documentID)
    }

    @Test("a revoke envelope (BussinessDocType 1) marks the document it names recalled")
    func recallByRevokeEnvelope() async throws {
        let node = try InboundNode()
        defer { node.remove() }
        guard case .accepted(let ids) = try await node.pipeline.process(try node.envelope(signer: h41), source: .push) else {
            Issue.record("document not accepted"); return
        }
        let revoke = try node.envelope(number: "12", subject: "Thu hồi văn bản",
                                       business: #"{"type": "revoke", "documentId": "000.00.00.H41,2026/11/20,12/UBND-VP", "reason": "Ban hành nhầm"}"#,
                                       signer: h41)
        let outcome = try await node.pipeline.process(revoke, source: .push)
        guard case .accepted(let revokeIDs) = outcome else { Issue.record("revoke not accepted: \(outcome)"); return }
        #expect(revokeIDs != ids, "the revoke is a message of its own, not a duplicate of what it revokes")
        let originalID = try #require(ids.first), revokeID = try #require(revokeIDs.first)
        let original = try #require(try await node.store.inboundMessage(originalID))
        #expect(original.recalledAt != nil)
        #expect(original.recallReason == "Ban hành nhầm")
        let revokeRow = try #require(try await node.store.inboundMessage(revokeID))
        #expect(revokeRow.recalledAt == nil)
    }
}

extension InboundOutcome {
    var refusalCode: String? {
        if case .refused(let refusal) = self { return refusal.reasonCode }
        return nil
    }
}
