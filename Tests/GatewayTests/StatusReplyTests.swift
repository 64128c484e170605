import EdXML
import Foundation
import Gateway
import Store
import Testing
import TestSupport
import XMLDSig

/// The gateway's side of the status 01 in a push's answer (`StatusReply`): what it answers,
/// what it leaves queued, and what the bus's confirmation records.
@Suite("Inbound: the status 01 in the push's answer")
struct StatusReplyTests {
    let h41: EnvelopeSigner

    init() throws {
        h41 = try InboundPKI.signer(try InboundPKI.trusted.get(), InboundNode.sender)
    }

    @Test("a push that accepts it gets the signed 01, leased to the answer; a confirmation under its lease records it delivered")
    func answeredAndConfirmed() async throws {
        let node = try InboundNode()
        defer { node.remove() }
        let inbound = GatewayBusInbound(pipeline: node.pipeline)
        let receipt = try await inbound.receive(BusPush(envelope: try node.envelope(number: "21", signer: h41), acceptsStatusReply: true),
                                                logger: InboundNode.logger)
        #expect(!receipt.duplicate)
        let answered = try #require(receipt.statusReply).taken
        let envelope = try #require(receipt.statusReply?.envelope)
        let status = try #require(try EdXMLReader().read(Data(envelope)).message.status)
        #expect(status.statusCode == .arrived)
        #expect(status.from.organId?.text == "000.00.00.G22")
        #expect(status.responseFor?.organId?.text == InboundNode.sender)
        #expect(try node.verifier().verify(envelope).isValid, "the answer carries the 01 as signed")

        let queued = try #require(try await node.queuedStatuses().first { $0.message.id == answered.messageId })
        #expect(queued.envelope == envelope, "the queued 01 is the one in the answer, so a repeat of it is the same call")
        #expect(queued.message.state == .sending)
        #expect(queued.message.leaseOwner == StatusReply.worker)

        // The next push confirms it; a confirmation under another lease records nothing.
        let second = try await inbound.receive(BusPush(envelope: try node.envelope(number: "22", signer: h41), acceptsStatusReply: true,
                                                       taken: [StatusReply.Taken(messageId: answered.messageId, lease: answered.lease)]),
                                               logger: InboundNode.logger)
        let other = try #require(second.statusReply).taken
        _ = try await inbound.receive(BusPush(envelope: try node.envelope(number: "23", signer: h41), acceptsStatusReply: true,
                                              taken: [StatusReply.Taken(messageId: other.messageId, lease: "0123456789abcdef")]),
                                      logger: InboundNode.logger)
        let detail = try await node.store.detail(ofMessage: answered.messageId)
        #expect(detail.message.state == .delivered)
        #expect(detail.changes.last?.actor == StatusReply.worker)
        #expect(try await node.store.detail(ofMessage: other.messageId).message.state == .sending)
        var metrics: [UInt8] = []
        node.parts.metrics.registry.emit(into: &metrics)
        #expect(try PrometheusText.samples(String(decoding: metrics, as: UTF8.self))[#"lienthong_deliveries_total{destination="000.00.00.H41"}"#] == 1,
                "the confirmed 01 counts as a delivery")
    }

    @Test("without the bus's header, for a duplicate, or for a document to two of our OrganIds, the answer carries no 01")
    func notAnswered() async throws {
        let node = try InboundNode()
        defer { node.remove() }
        let inbound = GatewayBusInbound(pipeline: node.pipeline)
        let plain = try node.envelope(number: "31", signer: h41)
        let first = try await inbound.receive(BusPush(envelope: plain), logger: InboundNode.logger)
        #expect(first.statusReply == nil)
        let statuses = try await node.queuedStatuses()
        #expect(statuses.count == 1)
        #expect(statuses.first?.message.state == .queued, "the 01 waits for the delivery worker, as before")

        let again = try await inbound.receive(BusPush(envelope: plain, acceptsStatusReply: true), logger: InboundNode.logger)
        #expect(again.duplicate)
        #expect(again.statusReply == nil)

        let toBoth = try node.envelope(to: ["000.00.00.G22", "000.00.00.G23"], number: "32", signer: h41)
        let both = try await inbound.receive(BusPush(envelope: toBoth, acceptsStatusReply: true), logger: InboundNode.logger)
        #expect(both.statusReply == nil, "the answer to one recipient's push cannot speak for the other")
        #expect(try await node.queuedStatuses().filter { $0.message.state == .queued }.count == 3)
    }
}
