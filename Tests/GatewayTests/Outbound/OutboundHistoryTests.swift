import EdXML
import Foundation
import Gateway
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Store
import Testing
import TestSupport

@Suite("GET /v1/documents: a unit follows its own documents; Idempotency-Key")
struct OutboundHistoryTests {
    typealias F = OutboundFixture

    static func submit(_ client: any TestClientProtocol, token: String = F.office.token, body: Data = F.documentJSON(),
                       contentType: String = "application/json", key: String? = nil) async throws -> (HTTPResponse.Status, TestResponse) {
        let response = try await client.execute(uri: "/v1/documents", method: .post,
                                                headers: F.headers(token, contentType: contentType, key: key),
                                                body: ByteBuffer(data: body))
        return (response.status, response)
    }

    static func get(_ client: any TestClientProtocol, _ uri: String, token: String = F.office.token) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .get, headers: [.authorization: "Bearer \(token)"])
    }

    @Test("the same key and body gives the first receipt and queues nothing more; another body is a conflict")
    func idempotency() async throws {
        let fixture = try OutboundFixture()
        try await fixture.withAPI { client in
            let (status, first) = try await Self.submit(client, key: "req-1")
            #expect(status == .accepted)
            let receipt = try F.decode(OutboundReceipt.self, first)
            let (againStatus, again) = try await Self.submit(client, key: "req-1")
            #expect(againStatus == .accepted)
            #expect(try F.decode(OutboundReceipt.self, again) == receipt)
            #expect(try await fixture.messages().count == F.recipients.count)

            let (conflictStatus, conflict) = try await Self.submit(client, body: F.documentJSON(number: "126"), key: "req-1")
            #expect(conflictStatus == .unprocessableContent)
            #expect(try F.decode(ProblemBody.self, conflict).reason == "queue.idempotency_conflict")

            // Keys belong to a unit: another unit's "req-1" is its own document.
            let (otherStatus, other) = try await Self.submit(client, token: F.province.token,
                                                             body: F.documentJSON(from: F.province.organId), key: "req-1")
            #expect(otherStatus == .accepted)
            #expect(try F.decode(OutboundReceipt.self, other).id != receipt.id)
            #expect(try await fixture.messages().count == 2 * F.recipients.count)
        }
    }

    @Test("requests racing with one key get one receipt and one set of messages")
    func racingKey() async throws {
        let fixture = try OutboundFixture()
        let unit = AuthenticatedUnit(name: F.office.name, organIds: [F.office.organId])
        let submission = UnitSubmission(format: .json, body: Array(F.documentJSON()), idempotencyKey: "race")
        let receipts = try await withThrowingTaskGroup(of: OutboundReceipt.self) { group in
            for _ in 0..<4 {
                group.addTask { try await fixture.service.submit(submission, by: unit, logger: Logger(label: "test")) }
            }
            return try await group.reduce(into: [OutboundReceipt]()) { $0.append($1) }
        }
        #expect(Set(receipts.map(\.id)).count == 1)
        #expect(try await fixture.messages().count == F.recipients.count)
    }

    @Test("a multipart replay with a new boundary is the same request")
    func multipartReplay() async throws {
        let fixture = try OutboundFixture()
        let parts: [MultipartBody.Part] = [.init(name: "document", bytes: F.documentJSON(attachments: [])),
                                           .init(name: "file", fileName: "a.pdf", bytes: Data("%PDF".utf8))]
        try await fixture.withAPI { client in
            let firstBody = MultipartBody(parts: parts)
            let (_, first) = try await Self.submit(client, body: firstBody.data, contentType: firstBody.contentType, key: "m-1")
            let secondBody = MultipartBody(parts: parts)
            let (status, second) = try await Self.submit(client, body: secondBody.data, contentType: secondBody.contentType, key: "m-1")
            #expect(status == .accepted)
            #expect(try F.decode(OutboundReceipt.self, second) == (try F.decode(OutboundReceipt.self, first)))
            #expect(try await fixture.messages().count == F.recipients.count)
        }
    }

    @Test("another unit can neither read nor list nor recall the document")
    func scopedToUnit() async throws {
        let fixture = try OutboundFixture()
        try await fixture.withAPI { client in
            let (_, response) = try await Self.submit(client)
            let receipt = try F.decode(OutboundReceipt.self, response)
            #expect(try await Self.get(client, "/v1/documents/\(receipt.id)").status == .ok)
            let foreign = try await Self.get(client, "/v1/documents/\(receipt.id)", token: F.province.token)
            #expect(foreign.status == .notFound)
            #expect(try F.decode(ProblemBody.self, foreign).reason == "http.not_found")
            let list = try F.decode(Page<OutboundSummary>.self, try await Self.get(client, "/v1/documents", token: F.province.token))
            #expect(list.items.isEmpty)
            let recall = try await client.execute(uri: "/v1/documents/\(receipt.id)/recall", method: .post,
                                                  headers: F.headers(F.province.token, contentType: "application/json"),
                                                  body: ByteBuffer(string: #"{"reason": "not mine"}"#))
            #expect(recall.status == .notFound)
        }
        #expect(try await fixture.messages().allSatisfy { $0.state == .queued })
    }

    @Test("two units' documents with the same DocumentId keep their statuses apart")
    func aDocumentIdTakenByAnotherUnitShowsNoneOfTheFirstUnitsStatuses() async throws {
        let fixture = try OutboundFixture()
        @Sendable func body(from organId: String) throws -> Data {
            var object = try #require(try JSONSerialization.jsonObject(with: F.documentJSON(from: organId, attachments: [])) as? [String: Any])
            object["documentId"] = "000.00.00.G22,2026/11/25,125/VPCP-TTĐT"
            return try JSONSerialization.data(withJSONObject: object)
        }
        try await fixture.withAPI { client in
            let office = try F.decode(OutboundReceipt.self, try await Self.submit(client, body: try body(from: F.office.organId)).1)
            let province = try F.decode(OutboundReceipt.self, try await Self.submit(client, token: F.province.token,
                                                                                     body: try body(from: F.province.organId)).1)
            #expect(office.documentId == province.documentId)
            try await fixture.store.recordStatus(StatusEvent(documentID: office.documentId, documentSender: F.office.organId,
                                                             code: "02", organID: F.recipients[0], description: "sai thể thức", at: Date()))
            let theirs = try F.decode(Gateway.OutboundDocument.self,
                                      try await Self.get(client, "/v1/documents/\(province.id)", token: F.province.token))
            #expect(theirs.statuses.isEmpty, "the other unit's 02 and its reason stay with the office's document")
            let ours = try F.decode(Gateway.OutboundDocument.self, try await Self.get(client, "/v1/documents/\(office.id)"))
            #expect(ours.statuses.map(\.code) == ["02"])
        }
    }

    @Test("GET shows each recipient's state, the attempts and the statuses that came back")
    func history() async throws {
        let fixture = try OutboundFixture()
        try await fixture.withAPI { client in
            let (_, response) = try await Self.submit(client)
            let receipt = try F.decode(OutboundReceipt.self, response)

            let fresh = try F.decode(Gateway.OutboundDocument.self, try await Self.get(client, "/v1/documents/\(receipt.id)"))
            #expect(fresh.state == "queued")
            #expect(fresh.attempts.isEmpty && fresh.statuses.isEmpty)
            #expect(fresh.to.sorted() == F.recipients.sorted())

            // A delivery worker's reports, and a status 01 from the recipient that got it.
            let claims = try await fixture.store.claim(worker: "test", limit: 10, leaseDuration: .seconds(60))
            #expect(claims.count == 2)
            let delivered = try #require(claims.first { $0.message.destination == F.recipients[0] })
            let failed = try #require(claims.first { $0.message.destination == F.recipients[1] })
            try await fixture.store.complete(delivered.lease, result: .delivered(httpStatus: 200), duration: .milliseconds(42))
            try await fixture.store.complete(failed.lease, result: .failed(.http(status: 503, retryAfter: nil, detail: "bus busy")),
                                             duration: .milliseconds(7))
            let arrived = Date(timeIntervalSince1970: 1_795_000_000)
            try await fixture.store.recordStatus(StatusEvent(documentID: receipt.documentId, documentSender: F.office.organId, code: "01", organID: F.recipients[0],
                                                             description: "Đã đến", at: arrived))

            let document = try F.decode(Gateway.OutboundDocument.self, try await Self.get(client, "/v1/documents/\(receipt.id)"))
            #expect(document.id == receipt.id && document.documentId == receipt.documentId)
            #expect(document.state == "retry_wait")
            #expect(document.nextAttemptAt != nil)
            #expect(document.from == F.office.organId)
            #expect(document.subject == "V/v thử nghiệm liên thông 125")
            let byRecipient = Dictionary(uniqueKeysWithValues: document.deliveries.map { ($0.to, $0) })
            #expect(byRecipient[F.recipients[0]]?.state == "delivered")
            #expect(byRecipient[F.recipients[1]]?.state == "retry_wait")
            #expect(byRecipient[F.recipients[1]]?.reason == "delivery.http_503")
            let attempts = Dictionary(uniqueKeysWithValues: document.attempts.map { ($0.to ?? "", $0) })
            #expect(attempts[F.recipients[0]]?.httpStatus == 200)
            #expect(attempts[F.recipients[0]]?.outcome == "delivered")
            #expect(attempts[F.recipients[0]]?.durationMs == 42)
            #expect(attempts[F.recipients[1]]?.httpStatus == 503)
            #expect(attempts[F.recipients[1]]?.outcome == "retry")
            #expect(attempts[F.recipients[1]]?.reason == "delivery.http_503")
            #expect(document.statuses == [StatusEntry(code: "01", from: F.recipients[0], at: arrived, description: "Đã đến")])
        }
    }

    @Test("the list is newest first, paged by cursor, and filtered by the document's state")
    func listing() async throws {
        let fixture = try OutboundFixture()
        try await fixture.withAPI { client in
            var ids: [String] = []
            for number in ["1", "2", "3"] {
                let (_, response) = try await Self.submit(client, body: F.documentJSON(to: [F.recipients[0]], number: number))
                ids.append(try F.decode(OutboundReceipt.self, response).id)
            }
            let newestFirst = ids.sorted(by: >)   // ids begin with their millisecond
            let first = try F.decode(Page<OutboundSummary>.self, try await Self.get(client, "/v1/documents?limit=2"))
            #expect(first.items.map(\.id) == Array(newestFirst.prefix(2)))
            let cursor = try #require(first.next)
            let second = try F.decode(Page<OutboundSummary>.self, try await Self.get(client, "/v1/documents?limit=2&cursor=\(cursor)"))
            #expect(second.items.map(\.id) == [newestFirst[2]])
            #expect(second.next == nil)

            let claim = try #require(try await fixture.store.claim(worker: "test", limit: 10, leaseDuration: .seconds(60))
                .first { $0.message.submissionID == ids[1] })
            try await fixture.store.complete(claim.lease, result: .delivered(httpStatus: 200), duration: .milliseconds(5))
            let delivered = try F.decode(Page<OutboundSummary>.self, try await Self.get(client, "/v1/documents?state=delivered"))
            #expect(delivered.items.map(\.id) == [ids[1]])

            let badState = try await Self.get(client, "/v1/documents?state=lost")
            #expect(badState.status == .badRequest)
            let badCursor = try await Self.get(client, "/v1/documents?cursor=../../etc")
            #expect(badCursor.status == .badRequest)
            #expect(try await Self.get(client, "/v1/documents/01ZZZZZZZZZZZZZZZZZZZZZZZZ").status == .notFound)
        }
    }
}
