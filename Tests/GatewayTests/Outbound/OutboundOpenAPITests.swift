import Foundation
import Gateway
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Store
import Testing
import TestSupport

@Suite("docs/openapi.yaml describes the outbound answers field by field")
struct OutboundOpenAPITests {
    typealias F = OutboundFixture

    func expectDescribed(_ shape: OpenAPIShape, _ method: String, _ path: String, _ response: TestResponse,
                         sourceLocation: SourceLocation = #_sourceLocation) throws {
        let contentType = response.headers[.contentType] ?? ""
        let schema = try #require(shape.responseSchema(method, path, status: Int(response.status.code), contentType: contentType),
                                  "\(method) \(path) \(response.status.code) \(contentType) is not in docs/openapi.yaml",
                                  sourceLocation: sourceLocation)
        let value = try JSONSerialization.jsonObject(with: Data(buffer: response.body))
        #expect(shape.differences(value, schema: schema) == [], "\(method) \(path) \(response.status.code)",
                sourceLocation: sourceLocation)
    }

    @Test("receipt, document with attempts, statuses, deliveries and recall, list page and refusals match their schemas")
    func answersMatch() async throws {
        let fixture = try OutboundFixture()
        try await fixture.withAPI { client in
            let shape = try OpenAPIShape()
            let (_, submitted) = try await OutboundHistoryTests.submit(client)
            try expectDescribed(shape, "POST", "/v1/documents", submitted)
            let receipt = try F.decode(OutboundReceipt.self, submitted)

            let claims = try await fixture.store.claim(worker: "test", limit: 10, leaseDuration: .seconds(60))
            try await fixture.store.complete(claims[0].lease, result: .delivered(httpStatus: 200), duration: .milliseconds(9))
            try await fixture.store.complete(claims[1].lease, result: .failed(.http(status: 400, retryAfter: nil, detail: "refused")),
                                             duration: .milliseconds(9))
            try await fixture.store.recordStatus(StatusEvent(documentID: receipt.documentId, documentSender: F.office.organId, code: "01",
                                                             organID: claims[0].message.destination, at: Date()))
            try expectDescribed(shape, "GET", "/v1/documents/{id}", try await OutboundHistoryTests.get(client, "/v1/documents/\(receipt.id)"))

            let recalled = try await client.execute(uri: "/v1/documents/\(receipt.id)/recall", method: .post,
                                                    headers: F.headers(F.office.token, contentType: "application/json"),
                                                    body: ByteBuffer(string: #"{"reason": "nhầm"}"#))
            #expect(recalled.status == .accepted)
            try expectDescribed(shape, "POST", "/v1/documents/{id}/recall", recalled)
            let document = try F.decode(Gateway.OutboundDocument.self, recalled)
            #expect(document.recall != nil && !document.attempts.isEmpty && !document.statuses.isEmpty)

            _ = try await OutboundHistoryTests.submit(client, body: F.documentJSON(number: "2"))
            _ = try await OutboundHistoryTests.submit(client, body: F.documentJSON(number: "3"))
            try expectDescribed(shape, "GET", "/v1/documents", try await OutboundHistoryTests.get(client, "/v1/documents?limit=2"))

            let (_, forbidden) = try await OutboundHistoryTests.submit(client, body: F.documentJSON(from: F.province.organId))
            try expectDescribed(shape, "POST", "/v1/documents", forbidden)
            let (_, refused) = try await OutboundHistoryTests.submit(client, body: Data("<!DOCTYPE x []><x/>".utf8), contentType: "application/xml")
            try expectDescribed(shape, "POST", "/v1/documents", refused)
            try expectDescribed(shape, "POST", "/v1/documents/{id}/recall", recalled)
            try expectDescribed(shape, "GET", "/v1/documents/{id}", try await OutboundHistoryTests.get(client, "/v1/documents/01ZZZZZZZZZZZZZZZZZZZZZZZZ"))
        }
    }

    @Test("the checker notices an undeclared key, a missing required key and a wrong type")
    func checkerCanFail() throws {
        let shape = try OpenAPIShape()
        let schema: [String: Any] = ["$ref": "#/components/schemas/OutboundReceipt"]
        #expect(shape.differences(["id": "a", "documentId": "b"], schema: schema) == [])
        #expect(shape.differences(["id": "a"], schema: schema) == ["$.documentId: required, missing"])
        #expect(shape.differences(["id": "a", "documentId": "b", "extra": 1], schema: schema) == ["$.extra: is not declared"])
        #expect(shape.differences(["id": 1, "documentId": "b"], schema: schema) == ["$.id: not a string"])
    }
}
