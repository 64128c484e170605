import Foundation
import HTTPTypes
import Hummingbird
import JSONText

/// The unit API under `/v1` (docs/openapi.yaml): bearer-token authentication, the body limit,
/// request decoding and answers; the work itself is the `OutboundService`'s and `InboxService`'s.
struct UnitAPIRoutes {
    let outbound: (any OutboundService)?
    let inbox: (any InboxService)?
    let authenticator: UnitAuthenticator
    let bodyLimit: Int
    var metrics: GatewayMetrics?

    static let defaultPageSize = 50
    static let maxPageSize = 500

    func register(on router: Router<GatewayRequestContext>) {
        let v1 = router.group("v1")
            .add(middleware: BodyLimitMiddleware(limit: bodyLimit))
            .add(middleware: BearerTokenMiddleware(authenticator: authenticator))

        if let outbound { registerDocuments(on: v1, outbound) }
        if let inbox { registerInbox(on: v1, inbox) }
    }

    private func registerDocuments(on v1: RouterGroup<GatewayRequestContext>, _ outbound: any OutboundService) {
        v1.post("documents") { request, context in try await submit(request, context, outbound) }
        v1.get("documents") { request, context in
            let page = try await outbound.documents(state: request.uri.queryParameters["state"].map(String.init),
                                                    cursor: request.uri.queryParameters["cursor"].map(String.init),
                                                    limit: try Self.pageSize(request), for: try context.authenticatedUnit())
            return try Self.json(page, context: context)
        }
        v1.get("documents/{id}") { _, context in
            let (id, context) = try Self.messageId(context)
            guard let document = try await outbound.document(id: id, for: try context.authenticatedUnit()) else {
                throw Problem.notFound("no outbound document \(id) for this unit")
            }
            return try Self.json(document, context: context)
        }
        v1.post("documents/{id}/recall") { request, context in
            let (id, context) = try Self.messageId(context)
            let recall = try await Self.decode(RecallRequest.read, request, context)
            guard !recall.reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw Problem.invalidRequest("a recall needs a reason")
            }
            guard let document = try await outbound.recall(id: id, reason: recall.reason, by: try context.authenticatedUnit(),
                                                           logger: context.logger) else {
                throw Problem.notFound("no outbound document \(id) for this unit")
            }
            return try Self.json(document, status: .accepted, context: context)
        }
    }

    private func registerInbox(on v1: RouterGroup<GatewayRequestContext>, _ inbox: any InboxService) {
        v1.get("inbox") { request, context in
            let page = try await inbox.list(cursor: request.uri.queryParameters["cursor"].map(String.init),
                                            limit: try Self.pageSize(request), for: try context.authenticatedUnit())
            return try Self.json(page, context: context)
        }
        v1.get("inbox/{id}") { _, context in
            let (id, context) = try Self.messageId(context)
            guard let document = try await inbox.document(id: id, for: try context.authenticatedUnit()) else {
                throw Problem.notFound("no inbox document \(id) for this unit")
            }
            return try Self.json(document, context: context)
        }
        v1.get("inbox/{id}/edxml") { _, context in
            let (id, context) = try Self.messageId(context)
            guard let file = try await inbox.envelope(id: id, for: try context.authenticatedUnit()) else {
                throw Problem.notFound("no inbox document \(id) for this unit")
            }
            return Self.file(file)
        }
        v1.get("inbox/{id}/attachments/{n}") { _, context in
            let (id, context) = try Self.messageId(context)
            guard let index = context.parameters.get("n", as: Int.self), index >= 1 else {
                throw Problem.invalidRequest("the attachment number counts from 1")
            }
            guard let file = try await inbox.attachment(id: id, index: index, for: try context.authenticatedUnit()) else {
                throw Problem.notFound("no attachment \(index) of inbox document \(id) for this unit")
            }
            return Self.file(file)
        }
        v1.post("inbox/{id}/ack") { _, context in
            let (id, context) = try Self.messageId(context)
            guard try await inbox.acknowledge(id: id, by: try context.authenticatedUnit(), logger: context.logger) else {
                throw Problem.notFound("no inbox document \(id) for this unit")
            }
            return Response(status: .noContent)
        }
        v1.post("inbox/{id}/status") { request, context in
            let (id, context) = try Self.messageId(context)
            let report = try await Self.decode(StatusReport.read, request, context)
            try Self.check(report)
            guard let receipt = try await inbox.reportStatus(id: id, report, by: try context.authenticatedUnit(),
                                                             logger: context.logger) else {
                throw Problem.notFound("no inbox document \(id) for this unit")
            }
            return try Self.json(receipt, status: .accepted, context: context)
        }
    }

    private func submit(_ request: Request, _ context: GatewayRequestContext,
                        _ outbound: any OutboundService) async throws -> Response {
        let started = ContinuousClock.now
        let format = try Self.submissionFormat(request.headers[.contentType])
        let body = try await request.collectBody(context: context)
        let key = request.headers[HTTPField.Name("Idempotency-Key")!]
        if let key, key.isEmpty || key.count > 255 {
            throw Problem.invalidRequest("Idempotency-Key must be 1 to 255 characters")
        }
        let submission = UnitSubmission(format: format, body: Array(buffer: body), idempotencyKey: key)
        let receipt = try await outbound.submit(submission, by: try context.authenticatedUnit(), logger: context.logger)
        metrics?.recordSubmission(duration: ContinuousClock.now - started)
        context.logger.info("outbound document accepted", metadata: ["message_id": "\(receipt.id)", "document_id": "\(receipt.documentId)"])
        return try Self.json(receipt, status: .accepted, context: context)
    }

    static func submissionFormat(_ contentType: String?) throws -> UnitSubmission.Format {
        let parts = (contentType ?? "").split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        switch parts.first?.lowercased() ?? "" {
        case "application/json":
            return .json
        case "application/xml", "text/xml", "application/edxml+xml":
            return .edxml
        case "multipart/form-data":
            guard let boundary = MultipartFormData.boundary(in: contentType ?? "") else {
                throw Problem.invalidRequest("multipart/form-data needs a boundary")
            }
            return .multipart(boundary: boundary)
        default:
            throw Problem(.unsupportedMediaType, "http.unsupported_media_type",
                          "send application/json, multipart/form-data or application/xml (a ready .edxml)")
        }
    }

    /// The statuses a recipient gives (EDXML.md): 01 goes out by itself when a document
    /// arrives, and 13 is the sender's (a recall, `POST /v1/documents/{id}/recall`).
    static let recipientCodes = ["02", "03", "04", "05", "06", "15", "16"]

    /// A recipient's status code; a refusal (02) must say why.
    static func check(_ report: StatusReport) throws {
        guard recipientCodes.contains(report.code) else {
            throw Problem.invalidRequest("code must be a status a recipient gives (\(recipientCodes.joined(separator: ", "))), found \"\(report.code)\"")
        }
        if report.code == "02", report.description?.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ?? true {
            throw Problem.invalidRequest("status 02 (refused) needs a description saying why")
        }
    }

    /// The `{id}` of the route, also put on the logger as `message_id` for every line that follows.
    private static func messageId(_ context: GatewayRequestContext) throws -> (String, GatewayRequestContext) {
        guard let id = context.parameters.get("id"), !id.isEmpty else { throw Problem.invalidRequest("missing id") }
        var context = context
        context.logger[metadataKey: "message_id"] = "\(id)"
        return (id, context)
    }

    private static func pageSize(_ request: Request) throws -> Int {
        guard let text = request.uri.queryParameters["limit"] else { return defaultPageSize }
        guard let limit = Int(String(text)), (1...maxPageSize).contains(limit) else {
            throw Problem.invalidRequest("limit must be a number from 1 to \(maxPageSize)")
        }
        return limit
    }

    private static func decode<Value>(_ shape: JSONRead<Value>, _ request: Request,
                                      _ context: GatewayRequestContext) async throws -> Value {
        try UnitRequestJSON.read(Array(buffer: try await request.collectBody(context: context)), as: shape)
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok, context: GatewayRequestContext) throws -> Response {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }

    /// A file as sent: its type as the envelope names it, never sniffed into something a browser runs.
    private static func file(_ file: InboxFile) -> Response {
        var headers: HTTPFields = [.contentType: file.contentType, .xContentTypeOptions: "nosniff"]
        if let name = file.fileName {
            headers[.contentDisposition] = ContentDisposition.attachment(fileName: name)
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: file.bytes)))
    }
}
