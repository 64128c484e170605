import EdXML
import Foundation
import HTTPTypes
import Hummingbird
import JSONText
import Logging
import Relay
import Store

/// The VDXP call shape of the national bus, served by the `bus` role: `POST <base>/<call>` with
/// the parameters as headers and a JSON reply (`VDXPResponse`). Every call authenticates the
/// agency first (`BusAuthenticator`) and is scoped to it.
struct BusAPIRoutes: Sendable {
    let basePath: String
    let authenticator: BusAuthenticator
    let intake: BusIntake
    let store: SQLiteStore
    let bodyLimit: Int
    let listLimit: Int
    /// Counts each `FAIL` reply by its code (`lienthong_refusals_total{listener="bus_api"}`).
    let metrics: GatewayMetrics?

    func register(on router: Router<GatewayRequestContext>) {
        let group = router.group(RouterPath(basePath)).add(middleware: BodyLimitMiddleware(limit: bodyLimit))
        group.post("sendEdoc") { request, context in
            await answer(request, context, signing: ["from", "to", "messagetype", "hash-file"], call: sendEdoc)
        }
        group.post("getReceivedEdocList") { request, context in
            await answer(request, context, signing: ["messagetype"], call: receivedList)
        }
        group.post("getEdoc") { request, context in
            await answer(request, context, signing: ["docid"], call: getEdoc)
        }
        group.post("updateStatus") { request, context in
            await answer(request, context, signing: ["docid", "status"], call: updateStatus)
        }
        group.post("getSentEdocList") { request, context in
            await answer(request, context, signing: [], call: sentList)
        }
        group.post("getAgenciesList") { request, context in
            await answer(request, context, signing: [], call: agenciesList)
        }
    }

    typealias Call = @Sendable (Agency, [String: String], Request, GatewayRequestContext) async throws -> Response

    /// Authenticates, runs the call, and turns every refusal into a `FAIL` reply with its code.
    private func answer(_ request: Request, _ context: GatewayRequestContext, signing: [String], call: Call) async -> Response {
        var headers: [String: String] = [:]
        var repeated: [String] = []
        for field in request.headers {
            let name = field.name.canonicalName
            if headers[name] == nil { headers[name] = field.value } else { repeated.append(name) }
        }
        do {
            // Which copy of a header counts would depend on who reads it (a proxy in front may
            // keep the last one): a header the call reads comes once.
            if let name = repeated.first(where: { Self.reads($0, signing: signing) }) {
                throw BusRefusal("bus.header_repeated", "the header \(name) is sent more than once")
            }
            let agency = try await authenticator.authenticate(headers: headers, channel: context.channel,
                                                              callHeaders: signing.filter { headers[$0] != nil })
            var context = context
            context.logger[metadataKey: "agency"] = "\(agency.organId)"
            return try await call(agency, headers, request, context)
        } catch {
            let (reasonCode, reply) = Self.failReply(to: error, path: request.uri.path, logger: context.logger)
            metrics?.recordRefusal(listener: "bus_api", reasonCode: reasonCode)
            return reply
        }
    }

    /// Whether a call reads the header `name`: its own parameters, the body's type, the HMAC
    /// authentication's headers.
    static func reads(_ name: String, signing: [String]) -> Bool {
        signing.contains(name) || ["content-type", "systemid", "timestamp"].contains(name) || name.hasPrefix("xroadvnpt-")
    }

    /// The `FAIL` reply for an error of a call, and its code.
    private static func failReply(to error: any Error, path: String, logger: Logger) -> (String, Response) {
        switch error {
        case let problem as Problem:
            return (problem.reasonCode, VDXPResponse.fail(problem.reasonCode, problem.detail, status: problem.status))
        case let refusal as any ReasonCoded:
            logger.info("bus call refused", metadata: ["path": "\(path)", "reason": "\(refusal.reasonCode)"])
            return (refusal.reasonCode, VDXPResponse.fail(refusal.reasonCode, refusal.explanation))
        default:
            logger.error("bus call failed", metadata: ["path": "\(path)", "error": "\(error)"])
            return ("internal.error", VDXPResponse.fail("internal.error", "the bus could not complete the call; try again later",
                                                        status: .internalServerError))
        }
    }

    private func sendEdoc(_ agency: Agency, _ headers: [String: String], _ request: Request,
                          _ context: GatewayRequestContext) async throws -> Response {
        guard let from = headers["from"], !from.isEmpty else { throw BusRefusal.header("from", "is required") }
        guard let hash = headers["hash-file"], !hash.isEmpty else { throw BusRefusal.header("hash-file", "is required") }
        let messageType = try Self.messageType(headers["messagetype"] ?? "edoc")
        let to = try headers["to"].map(Self.organIdList)
        let body = Array(buffer: try await request.collectBody(context: context))
        let form = try MultipartForm(body: body, contentType: headers["content-type"] ?? "")
        guard let file = form.part(named: "file_doc"), !file.body.isEmpty else {
            throw BusRefusal("bus.file_missing", "the multipart body has no file_doc part")
        }
        let accepted = try await intake.accept(BusIntake.Call(sender: agency, fromHeader: from, toHeader: to,
                                                              messageType: messageType, hashHeader: hash, file: Array(file.body)),
                                               logger: context.logger)
        context.logger.info(accepted.duplicate ? "bus sendEdoc repeated" : "bus sendEdoc routed",
                            metadata: ["message_id": "\(accepted.docId)", "to": "\(accepted.recipients.joined(separator: ","))"])
        var fields: [String: JSONValue] = ["DocId": .string(accepted.docId), "to": .strings(accepted.recipients)]
        if !accepted.refused.isEmpty {
            fields["refused"] = .array(accepted.refused.map {
                ["OrganId": .string($0.organId), "ErrorCode": .string($0.refusal.reasonCode), "ErrorDesc": .string($0.refusal.explanation)]
            })
        }
        return VDXPResponse.ok(fields)
    }

    private func receivedList(_ agency: Agency, _ headers: [String: String], _ request: Request,
                              _ context: GatewayRequestContext) async throws -> Response {
        let kind = try headers["messagetype"].map(Self.messageType)?.rawValue
        let entries = try await store.mailbox(of: agency.organId, kind: kind, limit: listLimit)
        return VDXPResponse.ok(["data": .array(entries.map { entry -> JSONValue in
            ["docId": .string(entry.docId), "serviceType": "eDoc", "messageType": .string(entry.kind), "from": .string(entry.sender),
             "to": .strings([entry.recipient]), "status": .string(entry.state.rawValue), "status_desc": "",
             "documentId": .string(entry.documentID),
             "created_time": .string(VDXPResponse.time(entry.createdAt)), "updated_time": .string(VDXPResponse.time(entry.updatedAt))]
        })])
    }

    private func getEdoc(_ agency: Agency, _ headers: [String: String], _ request: Request,
                         _ context: GatewayRequestContext) async throws -> Response {
        guard let docId = headers["docid"], !docId.isEmpty else { throw BusRefusal.header("docId", "is required") }
        guard let entry = try await store.mailboxEntry(docId, of: agency.organId) else {
            throw BusRefusal("bus.doc_not_found", "no document \(docId) waits for \(agency.organId)")
        }
        let envelope = try await store.mailboxEnvelope(docId, of: agency.organId)
        return VDXPResponse.ok(["docId": .string(docId), "from": .string(entry.sender), "messageType": .string(entry.kind),
                                "data": .string(envelope.base64EncodedString())])
    }

    private func updateStatus(_ agency: Agency, _ headers: [String: String], _ request: Request,
                              _ context: GatewayRequestContext) async throws -> Response {
        guard let docId = headers["docid"], !docId.isEmpty else { throw BusRefusal.header("docId", "is required") }
        guard let status = headers["status"].flatMap(VDXPTransportStatus.init(rawValue:)) else {
            throw BusRefusal.header("status", "must be done, fail or processing")
        }
        guard try await store.mailboxEntry(docId, of: agency.organId) != nil else {
            throw BusRefusal("bus.doc_not_found", "no document \(docId) waits for \(agency.organId)")
        }
        let state: BusMailboxEntry.State = switch status {
        case .done: .done
        case .fail: .fail
        case .processing: .processing
        }
        try await store.updateMailbox(docId, of: agency.organId, to: state)
        context.logger.info("bus mailbox acknowledged", metadata: ["message_id": "\(docId)", "status": "\(status.rawValue)"])
        return VDXPResponse.ok(["docId": .string(docId)])
    }

    private func sentList(_ agency: Agency, _ headers: [String: String], _ request: Request,
                          _ context: GatewayRequestContext) async throws -> Response {
        let records = try await store.sentDocuments(of: agency.organId, limit: listLimit)
        return VDXPResponse.ok(["data": .array(records.map { record -> JSONValue in
            var fields: [String: JSONValue] = [
                "docId": .string(record.submissionID), "recipientDocId": .string(record.docId),
                "documentId": .string(record.documentID), "to": .string(record.recipient), "messageType": .string(record.kind),
                "sendStatus": .string(record.queueState.rawValue), "where": .string(Self.whereabouts(record)),
                "created_time": .string(VDXPResponse.time(record.createdAt)),
                "updated_time": .string(VDXPResponse.time(record.updatedAt)),
            ]
            if let mailbox = record.mailboxState { fields["receiveStatus"] = .string(mailbox.rawValue) }
            if let code = record.lastReasonCode { fields["ErrorCode"] = .string(code) }
            if let reason = record.lastReason { fields["ErrorDesc"] = .string(reason) }
            return .object(fields)
        })])
    }

    private func agenciesList(_ agency: Agency, _ headers: [String: String], _ request: Request,
                              _ context: GatewayRequestContext) async throws -> Response {
        let agencies = try await store.agencies().filter { $0.state == .active }
        return VDXPResponse.ok(["data": .array(agencies.map { agency -> JSONValue in
            var fields: [String: JSONValue] = ["organId": .string(agency.organId), "name": .string(agency.name),
                                               "deliveryMode": .string(agency.deliveryMode)]
            if let parent = agency.parent { fields["parent"] = .string(parent) }
            return .object(fields)
        })])
    }

    /// One word for where a document is for one recipient.
    static func whereabouts(_ record: BusSentRecord) -> String {
        switch (record.queueState, record.mailboxState) {
        case (_, .done?): "received"
        case (_, .fail?): "refused_by_recipient"
        case (_, .processing?): "fetched"
        case (_, .waiting?): "waiting_for_recipient"
        case (.delivered, nil): "pushed"
        case (.dead, _), (.cancelled, _): "undeliverable"
        default: "at_bus"
        }
    }

    static func messageType(_ text: String) throws -> VDXPMessageType {
        guard let type = VDXPMessageType(rawValue: text.lowercased()) else {
            throw BusRefusal.header("messagetype", "must be edoc or status, found \(text)")
        }
        return type
    }

    /// The `to` header: a JSON array of OrganIds (one bare id is accepted too).
    static func organIdList(_ text: String) throws -> [String] {
        // Spaces and tabs by hand: Foundation's `trimmingCharacters` was 0.9 % of the bus.
        let start = text.firstIndex { $0 != " " && $0 != "\t" } ?? text.endIndex
        let end = text.lastIndex { $0 != " " && $0 != "\t" }.map(text.index(after:)) ?? start
        let trimmed = String(text[start..<end])
        guard trimmed.hasPrefix("[") else { return trimmed.isEmpty ? [] : [trimmed] }
        if let ids = plainStringArray(trimmed) {
            guard !ids.contains(where: \.isEmpty) else { throw BusRefusal.header("to", "must be a JSON array of OrganIds") }
            return ids
        }
        guard case .array(let array)? = try? JSONParser().parse(trimmed.utf8) else {
            throw BusRefusal.header("to", "must be a JSON array of OrganIds")
        }
        var ids: [String] = []
        for element in array {
            guard case .string(let id) = element, !id.isEmpty else { throw BusRefusal.header("to", "must be a JSON array of OrganIds") }
            ids.append(id)
        }
        return ids
    }

    /// `["a", "b"]` read directly when no string holds an escape (every OrganId list does);
    /// nil sends anything else to the JSON parser.
    static func plainStringArray(_ text: String) -> [String]? {
        let bytes = Array(text.utf8)
        var index = 0
        func skipSpaces() { while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 } }
        guard bytes.first == UInt8(ascii: "[") else { return nil }
        index = 1
        skipSpaces()
        var ids: [String] = []
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            skipSpaces()
            return index == bytes.count ? ids : nil
        }
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "\"") else { return nil }
            let start = index + 1
            guard let end = bytes[start...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
            let content = bytes[start..<end]
            guard !content.contains(UInt8(ascii: "\\")), !content.contains(where: { $0 < 0x20 }) else { return nil }
            ids.append(String(decoding: content, as: UTF8.self))
            index = end + 1
            skipSpaces()
            guard index < bytes.count else { return nil }
            if bytes[index] == UInt8(ascii: "]") {
                index += 1
                skipSpaces()
                return index == bytes.count ? ids : nil
            }
            guard bytes[index] == UInt8(ascii: ",") else { return nil }
            index += 1
            skipSpaces()
        }
        return nil
    }
}
