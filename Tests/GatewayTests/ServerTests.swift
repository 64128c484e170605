import EdXML
import Foundation
import Gateway
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing

@Suite("Gateway HTTP surface")
struct ServerTests {
    static let token = "office-token-7f3a"
    static let bearer: HTTPFields = [.authorization: "Bearer \(token)"]

    struct FailingProbe: ReadinessProbe {
        let name = "store"
        func check() async -> ReadinessResult { .notReady(reason: "store.unavailable", detail: "the database is locked") }
    }

    func withApp(probes: [any ReadinessProbe] = [], maxBody: String? = nil, outbound: RecordingOutbound = RecordingOutbound(),
                 inbox: RecordingInbox = RecordingInbox(), joined: Bool = true, over mode: TestingSetup = .router,
                 _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        var text = ConfigurationText()
        text.units = [("office", UnitAuthenticator.tokenHashHex(Self.token), ["000.00.00.G22"])]
        text.maxBody = maxBody
        let configuration = try GatewayConfiguration.parse(text.text, file: URL(fileURLWithPath: "/tmp/gateway.toml"))
        let services = joined ? GatewayServices(outbound: outbound, inbox: inbox, readinessProbes: probes)
                              : GatewayServices(readinessProbes: probes)
        let app = Application(router: GatewayRouters.unitAPI(configuration: configuration, services: services))
        try await app.test(mode, body)
    }

    func problem(_ response: TestResponse) throws -> ProblemBody {
        #expect(response.headers[.contentType] == "application/problem+json")
        return try JSONDecoder().decode(ProblemBody.self, from: Data(buffer: response.body))
    }

    func json(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }

    @Test("/healthz answers 200 without authentication")
    func health() async throws {
        try await withApp { client in
            let response = try await client.execute(uri: "/healthz", method: .get)
            #expect(response.status == .ok)
            #expect(try json(response)["status"] as? String == "ok")
        }
    }

    @Test("/readyz is 200 when every probe passes")
    func ready() async throws {
        let probe = ClosureReadinessProbe(name: "relay.workers") { .ready }
        try await withApp(probes: [probe]) { client in
            let response = try await client.execute(uri: "/readyz", method: .get)
            #expect(response.status == .ok)
            #expect(try json(response)["checks"] as? [String: String] == ["relay.workers": "ready"])
        }
    }

    @Test("/readyz is 503 problem+json with the failing probe's reason")
    func notReady() async throws {
        try await withApp(probes: [ClosureReadinessProbe(name: "relay.workers") { .ready }, FailingProbe()]) { client in
            let response = try await client.execute(uri: "/readyz", method: .get)
            #expect(response.status == .serviceUnavailable)
            let body = try problem(response)
            #expect(body.reason == "store.unavailable")
            #expect(body.status == 503)
            #expect(body.detail == "store: the database is locked")
            #expect(try json(response)["checks"] as? [String: String] == ["relay.workers": "ready", "store": "store.unavailable"])
        }
    }

    @Test("the unit API refuses a request without a bearer token: 401 auth.missing_token")
    func missingToken() async throws {
        try await withApp { client in
            for headers: HTTPFields in [[:], [.authorization: "Basic b2ZmaWNlOng="], [.authorization: "Bearer "]] {
                let response = try await client.execute(uri: "/v1/documents", method: .get, headers: headers)
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
                let body = try problem(response)
                #expect(body == ProblemBody(type: "urn:lienthong:problem:auth.missing_token", title: "Unauthorized", status: 401,
                                            detail: body.detail, reason: "auth.missing_token"))
            }
        }
    }

    @Test("the unit API refuses an unknown token: 401 auth.invalid_token")
    func invalidToken() async throws {
        try await withApp { client in
            let response = try await client.execute(uri: "/v1/documents", method: .get, headers: [.authorization: "Bearer \(Self.token)x"])
            #expect(response.status == .unauthorized)
            #expect(try problem(response).reason == "auth.invalid_token")
        }
    }

    @Test("a valid token reaches the handler as the configured unit")
    func validToken() async throws {
        let outbound = RecordingOutbound()
        try await withApp(outbound: outbound) { client in
            let response = try await client.execute(uri: "/v1/documents", method: .post,
                                                    headers: Self.bearer.merging([.contentType: "application/json",
                                                                                  HTTPField.Name("Idempotency-Key")!: "k-1"]),
                                                    body: ByteBuffer(string: "{\"subject\":\"x\"}"))
            #expect(response.status == .accepted)
            #expect(try json(response)["documentId"] as? String == "doc-for-office")
            let recorded = try #require(outbound.submissions.withLock { $0.first })
            #expect(recorded.1 == AuthenticatedUnit(name: "office", organIds: ["000.00.00.G22"]))
            #expect(recorded.0.format == .json)
            #expect(recorded.0.body == Array("{\"subject\":\"x\"}".utf8))
            #expect(recorded.0.idempotencyKey == "k-1")
        }
    }

    @Test("unknown paths are 404 problem+json http.not_found")
    func notFound() async throws {
        try await withApp { client in
            for uri in ["/nothing-here", "/v1/documents/m-404"] {
                let response = try await client.execute(uri: uri, method: .get, headers: Self.bearer)
                #expect(response.status == .notFound)
                let body = try problem(response)
                #expect(body.reason == "http.not_found")
                #expect(body.type == "urn:lienthong:problem:http.not_found")
                #expect(body.title == "Not Found")
            }
        }
    }

    @Test("a body over limits.max_body is 413 http.body_too_large, declared or streamed")
    func bodyLimit() async throws {
        let outbound = RecordingOutbound()
        try await withApp(maxBody: "\"1KiB\"", outbound: outbound) { client in
            let big = ByteBuffer(repeating: UInt8(ascii: "x"), count: 2048)
            var headers = Self.bearer
            headers[.contentType] = "application/xml"
            let streamed = try await client.execute(uri: "/v1/documents", method: .post, headers: headers, body: big)
            #expect(streamed.status == .contentTooLarge)
            #expect(try problem(streamed).reason == "http.body_too_large")
            headers[.contentLength] = "2048"
            let declared = try await client.execute(uri: "/v1/documents", method: .post, headers: headers, body: big)
            #expect(declared.status == .contentTooLarge)
            #expect(try problem(declared).detail.contains("1024"))
            headers[.contentLength] = nil
            let small = try await client.execute(uri: "/v1/documents", method: .post, headers: headers,
                                                 body: ByteBuffer(repeating: UInt8(ascii: "x"), count: 1000))
            #expect(small.status == .accepted)
            #expect(outbound.submissions.withLock { $0.map(\.0.format) } == [.edxml])
        }
    }

    @Test("a large declared body arriving over a real connection in many pieces is collected whole")
    func largeDeclaredBody() async throws {
        let outbound = RecordingOutbound()
        try await withApp(maxBody: "\"4MiB\"", outbound: outbound, over: .live) { client in
            let bytes = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 11) }
            var headers = Self.bearer
            headers[.contentType] = "application/xml"
            headers[.contentLength] = "\(bytes.count)"
            let response = try await client.execute(uri: "/v1/documents", method: .post, headers: headers, body: ByteBuffer(bytes: bytes))
            #expect(response.status == .accepted)
            #expect(outbound.submissions.withLock { $0.first?.0.body } == bytes)
        }
    }

    @Test("submissions are classified by content type; others are 415")
    func contentTypes() async throws {
        let outbound = RecordingOutbound()
        try await withApp(outbound: outbound) { client in
            for contentType in ["multipart/form-data; boundary=\"b-1\"", "text/plain"] {
                _ = try await client.execute(uri: "/v1/documents", method: .post,
                                             headers: Self.bearer.merging([.contentType: contentType]), body: ByteBuffer(string: "x"))
            }
            let response = try await client.execute(uri: "/v1/documents", method: .post, headers: Self.bearer, body: ByteBuffer(string: "x"))
            #expect(response.status == .unsupportedMediaType)
            #expect(try problem(response).reason == "http.unsupported_media_type")
            #expect(outbound.submissions.withLock { $0.map(\.0.format) } == [.multipart(boundary: "b-1")])
        }
    }

    @Test("GET /v1/documents/{id} answers the document's JSON with its attempts and statuses")
    func documentJSON() async throws {
        try await withApp { client in
            let response = try await client.execute(uri: "/v1/documents/m-1", method: .get, headers: Self.bearer)
            #expect(response.status == .ok)
            let document = try json(response)
            #expect(document["state"] as? String == "delivered")
            let statuses = try #require(document["statuses"] as? [[String: Any]])
            #expect(statuses.first?["code"] as? String == "01")
            #expect(statuses.first?["at"] as? String == "2026-09-21T14:14:20Z")
            #expect((document["attempts"] as? [[String: Any]])?.first?["httpStatus"] as? Int == 200)
        }
    }

    @Test("inbox routes: attachment bytes and name, ack, status checks")
    func inboxRoutes() async throws {
        let inbox = RecordingInbox()
        try await withApp(inbox: inbox) { client in
            let attachment = try await client.execute(uri: "/v1/inbox/in-1/attachments/1", method: .get, headers: Self.bearer)
            #expect(attachment.status == .ok)
            #expect(attachment.headers[.contentType] == "application/pdf")
            #expect(attachment.headers[.contentDisposition]?.contains("filename*=UTF-8''c%C3%B4ng%20v%C4%83n.pdf") == true)
            #expect(Array(buffer: attachment.body) == [0x25, 0x50, 0x44, 0x46])
            let status1 = try await client.execute(uri: "/v1/inbox/in-1/attachments/0", method: .get, headers: Self.bearer).status
            #expect(status1 == .badRequest)

            let status2 = try await client.execute(uri: "/v1/inbox/in-1/ack", method: .post, headers: Self.bearer).status
            #expect(status2 == .noContent)
            let status3 = try await client.execute(uri: "/v1/inbox/in-9/ack", method: .post, headers: Self.bearer).status
            #expect(status3 == .notFound)

            let jsonHeaders = Self.bearer.merging([.contentType: "application/json"])
            let badCode = try await client.execute(uri: "/v1/inbox/in-1/status", method: .post, headers: jsonHeaders,
                                                   body: ByteBuffer(string: "{\"code\": \"3\"}"))
            #expect(badCode.status == .badRequest)
            #expect(try problem(badCode).reason == "request.invalid")
            let refusalWithoutReason = try await client.execute(uri: "/v1/inbox/in-1/status", method: .post, headers: jsonHeaders,
                                                                body: ByteBuffer(string: "{\"code\": \"02\"}"))
            #expect(refusalWithoutReason.status == .badRequest)
            let accepted = try await client.execute(uri: "/v1/inbox/in-1/status", method: .post, headers: jsonHeaders,
                                                    body: ByteBuffer(string: "{\"code\": \"03\", \"staff\": {\"staff\": \"Nguyễn Văn A\"}}"))
            #expect(accepted.status == .accepted)
            #expect(try json(accepted)["id"] as? String == "status-1")
            #expect(inbox.reports.withLock { $0.map(\.code) } == ["03"])
            #expect(inbox.acknowledged.withLock { $0 } == ["in-1", "in-9"])
        }
    }

    @Test("without joined services the /v1 routes do not exist (404), health still answers")
    func unjoined() async throws {
        try await withApp(joined: false) { client in
            let status4 = try await client.execute(uri: "/v1/documents", method: .get, headers: Self.bearer).status
            #expect(status4 == .notFound)
            let status5 = try await client.execute(uri: "/healthz", method: .get).status
            #expect(status5 == .ok)
        }
    }
}

private extension HTTPFields {
    func merging(_ other: HTTPFields) -> HTTPFields {
        var merged = self
        for field in other { merged[field.name] = field.value }
        return merged
    }
}

@Suite("bus endpoint routes")
struct BusEndpointTests {
    /// Stores the first envelope it sees, acknowledges repeats as duplicates, refuses `<bad/>`.
    final class OnceInbound: BusInboundService {
        let seen = Mutex<[[UInt8]]>([])
        let pushes = Mutex<[BusPush]>([])
        func receive(_ push: BusPush, logger: Logger) async throws -> BusReceipt {
            pushes.withLock { $0.append(push) }
            let envelope = push.envelope
            if envelope == Array("<bad/>".utf8) { throw EdXML.Refusal("signature.digest_mismatch", "the digest does not match") }
            let duplicate = seen.withLock { seen in
                defer { seen.append(envelope) }
                return seen.contains(envelope)
            }
            guard push.acceptsStatusReply, !duplicate else { return BusReceipt(id: "in-1", duplicate: duplicate) }
            return BusReceipt(id: "in-1", duplicate: false,
                              statusReply: StatusReply.Status(messageId: "S1", lease: "L1", envelope: Array("<status/>".utf8)))
        }
    }

    /// The bus endpoint listener's routes, served by `inbound`.
    static func busEndpoint(_ inbound: OnceInbound) throws -> some ApplicationProtocol {
        var text = ConfigurationText()
        text.busEndpoint = "address = \"127.0.0.1\"\nport = 8443\n"
        let configuration = try GatewayConfiguration.parse(text.text, file: URL(fileURLWithPath: "/tmp/gateway.toml"))
        return Application(router: GatewayRouters.busEndpoint(configuration: configuration,
                                                              services: GatewayServices(busInbound: inbound)))
    }

    @Test("a pushed envelope is 202 once, 200 duplicate after; a refusal is 422 with its reason")
    func push() async throws {
        let inbound = OnceInbound()
        let app = try Self.busEndpoint(inbound)
        try await app.test(.router) { client in
            let xml: HTTPFields = [.contentType: "application/xml"]
            let first = try await client.execute(uri: "/bus/v1/edoc", method: .post, headers: xml, body: ByteBuffer(string: "<edXML/>"))
            #expect(first.status == .accepted)
            let again = try await client.execute(uri: "/bus/v1/edoc", method: .post, headers: xml, body: ByteBuffer(string: "<edXML/>"))
            #expect(again.status == .ok)
            #expect(String(buffer: again.body).contains("\"duplicate\":true"))
            let refused = try await client.execute(uri: "/bus/v1/edoc", method: .post, headers: xml, body: ByteBuffer(string: "<bad/>"))
            #expect(refused.status == .unprocessableContent)
            let problem = try JSONDecoder().decode(ProblemBody.self, from: Data(buffer: refused.body))
            #expect(problem.reason == "signature.digest_mismatch")
            let empty = try await client.execute(uri: "/bus/v1/edoc", method: .post, headers: xml)
            #expect(empty.status == .badRequest)
            let unit = try await client.execute(uri: "/v1/documents", method: .get)
            #expect(unit.status == .notFound)
        }
        #expect(inbound.pushes.withLock { $0.allSatisfy { !$0.acceptsStatusReply && $0.taken.isEmpty } },
                "a push without the headers asks for no status and confirms none")
    }

    @Test("the bus's status-reply headers reach the inbound service; malformed confirmations are skipped")
    func statusReplyHeaders() async throws {
        let inbound = OnceInbound()
        let app = try Self.busEndpoint(inbound)
        try await app.test(.router) { client in
            var headers: HTTPFields = [.contentType: "application/xml"]
            headers[HTTPField.Name(StatusReply.acceptHeader)!] = StatusReply.acceptValue
            headers[HTTPField.Name(StatusReply.takenHeader)!] = "M1:T1, bad, :T2,M3:,M4:T4,\tM5:T5 ,a:b:c"
            let answer = try await client.execute(uri: "/bus/v1/edoc", method: .post, headers: headers, body: ByteBuffer(string: "<edXML/>"))
            #expect(answer.status == .accepted)
            #expect(answer.headers[.contentType] == "application/xml", "the status is the answer's body, as sent")
            #expect(answer.headers[HTTPField.Name(StatusReply.statusHeader)!] == "S1:L1")
            #expect(answer.headers[HTTPField.Name(StatusReply.inboxIdHeader)!] == "in-1")
            #expect(String(buffer: answer.body) == "<status/>")
        }
        let push = try #require(inbound.pushes.withLock { $0.first })
        #expect(push.acceptsStatusReply)
        #expect(push.taken == [StatusReply.Taken(messageId: "M1", lease: "T1"), StatusReply.Taken(messageId: "M4", lease: "T4"),
                               StatusReply.Taken(messageId: "M5", lease: "T5")])
    }
}
