import Foundation
import Gateway
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

/// The inbox and bus push answers, real ones from the real pipeline and routes, held against
/// docs/openapi.yaml field by field (undeclared keys, missing required ones, wrong types).
@Suite("docs/openapi.yaml describes the inbox answers field by field")
struct InboxOpenAPITests {
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

    @Test("list, document (attachments, statuses, recall), status receipt, not found, and the push receipts and refusal")
    func answersMatch() async throws {
        let node = try InboundNode()
        defer { node.remove() }
        let signer = try InboundPKI.signer(try InboundPKI.trusted.get(), InboundNode.sender)
        let envelope = try node.envelope(attachments: [("công văn.pdf", Array("%PDF-1.4".utf8))], signer: signer)
        let bus = Application(router: GatewayRouters.busEndpoint(configuration: node.parts.configuration, services: node.services))
        try await bus.test(.router) { client in
            let shape = try OpenAPIShape()
            for _ in 0..<2 {
                let pushed = try await client.execute(uri: "/bus/v1/edoc", method: .post, headers: [.contentType: "application/xml"],
                                                      body: ByteBuffer(bytes: envelope))
                try expectDescribed(shape, "POST", "/bus/v1/edoc", pushed)
            }
            let refused = try await client.execute(uri: "/bus/v1/edoc", method: .post, headers: [.contentType: "application/xml"],
                                                   body: ByteBuffer(string: "<!DOCTYPE x []><x/>"))
            #expect(refused.status == .unprocessableContent)
            try expectDescribed(shape, "POST", "/bus/v1/edoc", refused)
        }
        let recall = try node.statusEnvelope(code: .recallRequested, about: "000.00.00.H41,2026/11/20,12/UBND-VP",
                                             owner: InboundNode.sender, description: "nhầm", signer: signer)
        _ = try await node.pipeline.process(recall, source: .push)

        let office: HTTPFields = [.authorization: "Bearer \(InboundNode.officeToken)"]
        let app = Application(router: GatewayRouters.unitAPI(configuration: node.parts.configuration, services: node.services))
        try await app.test(.router) { client in
            let shape = try OpenAPIShape()
            let list = try await client.execute(uri: "/v1/inbox?limit=1", method: .get, headers: office)
            try expectDescribed(shape, "GET", "/v1/inbox", list)
            let items = try #require(try JSONSerialization.jsonObject(with: Data(buffer: list.body)) as? [String: Any])["items"] as? [[String: Any]]
            let id = try #require(items?.first?["id"] as? String)
            let document = try await client.execute(uri: "/v1/inbox/\(id)", method: .get, headers: office)
            try expectDescribed(shape, "GET", "/v1/inbox/{id}", document)
            var headers = office
            headers[.contentType] = "application/json"
            let status = try await client.execute(uri: "/v1/inbox/\(id)/status", method: .post, headers: headers,
                                                  body: ByteBuffer(string: #"{"code": "15", "description": "Đồng ý"}"#))
            try expectDescribed(shape, "POST", "/v1/inbox/{id}/status", status)
            let missing = try await client.execute(uri: "/v1/inbox/01ZZZZZZZZZZZZZZZZZZZZZZZZ", method: .get, headers: office)
            try expectDescribed(shape, "GET", "/v1/inbox/{id}", missing)
        }
    }
}
