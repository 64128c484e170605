import EdXML
import Foundation
import Gateway
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Store
import Testing
import TestSupport

@Suite("POST /v1/documents/{id}/recall")
struct OutboundRecallTests {
    typealias F = OutboundFixture

    func recall(_ client: any TestClientProtocol, _ id: String, reason: String = "Ban hành nhầm") async throws -> TestResponse {
        try await client.execute(uri: "/v1/documents/\(id)/recall", method: .post,
                                 headers: F.headers(F.office.token, contentType: "application/json"),
                                 body: ByteBuffer(data: try JSONSerialization.data(withJSONObject: ["reason": reason])))
    }

    /// A document to both recipients: delivered to the first, waiting to retry for the second.
    func submitDeliveredToTheFirstOnly(_ client: any TestClientProtocol, _ fixture: OutboundFixture) async throws -> OutboundReceipt {
        let (_, response) = try await OutboundHistoryTests.submit(client)
        let receipt = try F.decode(OutboundReceipt.self, response)
        let claims = try await fixture.store.claim(worker: "test", limit: 10, leaseDuration: .seconds(60))
        let delivered = try #require(claims.first { $0.message.destination == F.recipients[0] })
        let waiting = try #require(claims.first { $0.message.destination == F.recipients[1] })
        try await fixture.store.complete(delivered.lease, result: .delivered(httpStatus: 200), duration: .milliseconds(3))
        try await fixture.store.complete(waiting.lease, result: .failed(.timeout(detail: "no answer")), duration: .seconds(1))
        return receipt
    }

    @Test("a delivered recipient gets a signed status 13 with the reason; an undelivered message is cancelled")
    func recallBoth() async throws {
        let fixture = try OutboundFixture()
        try await fixture.withAPI { client in
            let receipt = try await submitDeliveredToTheFirstOnly(client, fixture)

            let answer = try await recall(client, receipt.id)
            #expect(answer.status == .accepted, "\(String(buffer: answer.body))")
            let document = try F.decode(Gateway.OutboundDocument.self, answer)
            let recalled = try #require(document.recall)
            #expect(recalled.reason == "Ban hành nhầm")
            let actions = Dictionary(uniqueKeysWithValues: recalled.recipients.map { ($0.to, $0) })
            #expect(actions[F.recipients[0]]?.action == "status_queued")
            #expect(actions[F.recipients[0]]?.statusState == "queued")
            #expect(actions[F.recipients[1]]?.action == "cancelled")
            #expect(document.deliveries.first { $0.to == F.recipients[1] }?.state == "cancelled")
            #expect(document.state == "delivered")

            // The status 13 is queued to the delivered recipient, signed, naming the document.
            let statusID = try #require(actions[F.recipients[0]]?.statusMessageId)
            let statusMessage = try await fixture.store.detail(ofMessage: statusID).message
            #expect(statusMessage.kind == "status")
            #expect(statusMessage.destination == F.recipients[0])
            let envelope = try await fixture.store.envelope(ofMessage: statusID)
            let verdict = fixture.verifier.verify(Array(envelope))
            #expect(verdict.outcome == .valid, "\(verdict.diagnostics)")
            let status = try #require(try EdXMLReader().read(envelope).message.status)
            #expect(status.statusCode?.text == "13")
            #expect(status.description == "Ban hành nhầm")
            #expect(status.from.organId?.text == F.office.organId)
            #expect(status.responseFor?.documentId == receipt.documentId)
            #expect(status.responseFor?.code == "125/VPCP-TTĐT")

            // Asked again: nothing left to recall, nothing queued twice.
            let again = try await recall(client, receipt.id)
            #expect(again.status == .unprocessableContent)
            #expect(try F.decode(ProblemBody.self, again).reason == "outbound.already_recalled")
            #expect(try await fixture.messages().filter { $0.kind == "status" }.count == 1)
        }
    }

    @Test("a recipient whose delivery was purged from the queue is still named and still gets the recall's 13")
    func recallAfterPurge() async throws {
        let fixture = try OutboundFixture()
        try await fixture.withAPI { client in
            let receipt = try await submitDeliveredToTheFirstOnly(client, fixture)
            let purged = try await fixture.store.purge(deliveredBefore: Date().addingTimeInterval(60), actor: "operator")
            #expect(purged.messagesRemoved == 1)

            let view = try await OutboundHistoryTests.get(client, "/v1/documents/\(receipt.id)")
            let before = try F.decode(Gateway.OutboundDocument.self, view)
            #expect(before.to == F.recipients, "the document still names every recipient")
            #expect(before.deliveries.map(\.to) == [F.recipients[1]], "only what is left in the queue")

            let answer = try await recall(client, receipt.id)
            #expect(answer.status == .accepted, "\(String(buffer: answer.body))")
            let actions = Dictionary(uniqueKeysWithValues: try #require(try F.decode(Gateway.OutboundDocument.self, answer).recall)
                .recipients.map { ($0.to, $0.action) })
            #expect(actions == [F.recipients[0]: "status_queued", F.recipients[1]: "cancelled"])
            let statuses = try await fixture.messages().filter { $0.kind == "status" }
            #expect(statuses.map(\.destination) == [F.recipients[0]])
            #expect(try await recall(client, receipt.id).status == .unprocessableContent, "everyone handled: already recalled")
        }
    }

    @Test("a document not yet delivered anywhere is only cancelled: no status message leaves")
    func recallBeforeDelivery() async throws {
        let fixture = try OutboundFixture()
        try await fixture.withAPI { client in
            let (_, response) = try await OutboundHistoryTests.submit(client)
            let receipt = try F.decode(OutboundReceipt.self, response)
            let answer = try await recall(client, receipt.id)
            #expect(answer.status == .accepted)
            let document = try F.decode(Gateway.OutboundDocument.self, answer)
            #expect(document.state == "cancelled")
            #expect(document.recall?.recipients.map(\.action) == ["cancelled", "cancelled"])
            let messages = try await fixture.messages()
            #expect(messages.allSatisfy { $0.kind == "edoc" && $0.state == .cancelled })
            let empty = try await client.execute(uri: "/v1/documents/\(receipt.id)/recall", method: .post,
                                                 headers: F.headers(F.office.token, contentType: "application/json"),
                                                 body: ByteBuffer(string: #"{"reason": "  "}"#))
            #expect(empty.status == .badRequest)
            for (body, detail) in [(#"{"reasn": "gửi nhầm"}"#, "'reasn' is not part of the shape"),
                                   (#"{"reason": "a", "reason": "b"}"#, "the key 'reason' appears twice")] {
                let refused = try await client.execute(uri: "/v1/documents/\(receipt.id)/recall", method: .post,
                                                       headers: F.headers(F.office.token, contentType: "application/json"),
                                                       body: ByteBuffer(string: body))
                #expect(refused.status == .badRequest, "\(body)")
                #expect(try F.decode(ProblemBody.self, refused).detail.contains(detail), "\(body)")
            }
        }
    }
}
