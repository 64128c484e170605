import EdXML
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Store

/// The data behind each page, shaped for the templates.
extension OperatorSurface {
    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withDashSeparatorInDate, .withSpaceBetweenDateAndTime]
        return formatter.string(from: date) + " UTC"
    }

    static func age(_ seconds: TimeInterval) -> String {
        let total = Int(max(0, seconds))
        if total >= 86400 { return "\(total / 86400)d \(total % 86400 / 3600)h" }
        if total >= 3600 { return "\(total / 3600)h \(total % 3600 / 60)m" }
        return "\(total / 60)m \(total % 60)s"
    }

    func overviewPage(_ request: Request, _ session: ConsoleSession) async throws -> Response {
        let labels = Self.language(request).labels
        let moment = now()
        let stats = try await store.stats()
        let byState = MessageState.allCases.map { ["state": $0.rawValue, "count": stats.byState[$0] ?? 0] as [String: Any] }
        let byDestination = stats.byDestination.keys.sorted().map { destination in
            ["destination": destination,
             "counts": MessageState.allCases.map { stats.byDestination[destination]?[$0] ?? 0 }] as [String: Any]
        }
        let byUnit = try await store.undeliveredBySender().sorted { $0.key < $1.key }
            .map { ["sender": $0.key, "count": $0.value] as [String: Any] }
        let oldest: Any = try await store.oldestUndelivered().map { message -> [String: Any] in
            ["id": message.id, "documentID": message.documentID, "destination": message.destination,
             "age": Self.age(moment.timeIntervalSince(message.createdAt)), "created": Self.timestamp(message.createdAt)]
        } ?? false
        let tally = try await store.attemptTally(since: moment.addingTimeInterval(-3600))
        let errors = try await store.failureReasons(since: moment.addingTimeInterval(-86400)).map {
            ["reasonCode": $0.reasonCode, "count": $0.count, "lastReason": $0.lastReason, "lastAt": Self.timestamp($0.lastAt)] as [String: Any]
        }
        let breakers = stats.breakers.map {
            ["destination": $0.destination, "stateLabel": labels[$0.state.rawValue] ?? $0.state.rawValue,
             "failures": $0.consecutiveFailures, "retryAt": $0.retryAt.map(Self.timestamp) ?? "—"] as [String: Any]
        }
        let certificates = await (certificates?.certificates() ?? []).map {
            ["name": $0.name, "days": Int(($0.notAfter.timeIntervalSince(moment) / 86400).rounded(.down)),
             "notAfter": Self.timestamp($0.notAfter)] as [String: Any]
        }
        return page(request, session: session, template: "overview", title: labels["overview"] ?? "", values: [
            "byState": byState, "states": MessageState.allCases.map(\.rawValue), "byDestination": byDestination,
            "byUnit": byUnit, "oldest": oldest, "tally": ["delivered": tally.delivered, "failed": tally.failed],
            "errors": errors, "breakers": breakers, "hasBreakers": !breakers.isEmpty, "certificates": certificates,
        ])
    }

    func queuePage(_ request: Request, _ session: ConsoleSession) async throws -> Response {
        let labels = Self.language(request).labels
        // Parsed as a form (a browser's GET form writes spaces as `+`).
        let parameters = Self.formFields(request.uri.query ?? "")
        let value = { (name: String) in parameters[name]?.trimmingCharacters(in: .whitespaces) ?? "" }
        var query = ConsoleQuery()
        query.direction = ConsoleQuery.Direction(rawValue: value("direction")) ?? .outbound
        query.state = MessageState(rawValue: value("state"))
        query.destination = value("destination")
        query.sender = value("sender")
        query.text = value("q")
        query.createdFrom = Self.day(value("from"))
        query.createdBefore = Self.day(value("to")).map { $0.addingTimeInterval(86400) }
        let pageNumber = max(1, min(Int(value("page")) ?? 1, 100_000))
        query.limit = 50
        query.offset = (pageNumber - 1) * query.limit
        let result = try await store.search(query)
        let rows = result.rows.map { row in
            ["link": row.direction == .outbound ? "/console/messages/\(row.id)" : "/console/inbound/\(row.id)",
             "documentID": row.documentID, "subject": row.subject, "from": row.from, "to": row.to, "state": row.state,
             "attempts": row.attempts, "reason": row.lastReasonCode ?? "", "created": Self.timestamp(row.createdAt)] as [String: Any]
        }
        var kept = URLComponents()
        kept.queryItems = ["direction", "state", "destination", "sender", "from", "to", "q"]
            .compactMap { name in value(name).isEmpty ? nil : URLQueryItem(name: name, value: value(name)) }
        let link = { (page: Int) -> String in
            var components = kept
            components.queryItems = (components.queryItems ?? []) + [URLQueryItem(name: "page", value: String(page))]
            return "/console/queue?" + (components.percentEncodedQuery ?? "")
        }
        return page(request, session: session, template: "queue", title: labels["queue"] ?? "", values: [
            "directions": ConsoleQuery.Direction.allCases.map {
                ["value": $0.rawValue, "label": labels[$0.rawValue] ?? $0.rawValue, "selected": $0 == query.direction] as [String: Any]
            },
            "stateOptions": MessageState.allCases.map { ["value": $0.rawValue, "selected": $0 == query.state] as [String: Any] },
            "query": ["destination": value("destination"), "sender": value("sender"), "from": value("from"),
                      "to": value("to"), "q": value("q")],
            "rows": rows, "total": result.total, "pageNumber": pageNumber,
            // `false`, not "", when absent: Mustache treats any string as a true section.
            "previousLink": pageNumber > 1 ? link(pageNumber - 1) : false,
            "nextLink": query.offset + result.rows.count < result.total ? link(pageNumber + 1) : false,
        ])
    }

    /// The notice after an action: the action's label and "done", or the store's reason for not doing it.
    static func outcomeNotice(_ fields: [String: String], labels: [String: String]) -> String? {
        if let action = fields["done"], ["retry", "hold", "release", "cancel"].contains(action) {
            return "\(labels[action] ?? action): \(labels["done"] ?? "done")"
        }
        if let code = fields["skipped"], code.allSatisfy({ $0.isLetter || $0.isNumber || "._-".contains($0) }) {
            return "\(labels["notApplied"] ?? "not applied"): \(code)"
        }
        return nil
    }

    static func day(_ text: String) -> Date? {
        guard !text.isEmpty else { return nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate, .withDashSeparatorInDate]
        return formatter.date(from: text)
    }

    func messagePage(_ request: Request, _ session: ConsoleSession, id: String, direction: ConsoleQuery.Direction) async throws -> Response {
        let labels = Self.language(request).labels
        var values: [String: Any] = ["csrf": session.csrfToken, "readOnly": session.role != .operator,
                                     "flash": Self.outcomeNotice(Self.formFields(request.uri.query ?? ""), labels: labels) ?? false]
        let envelope: Data
        let documentID: String
        let documentSender: String
        switch direction {
        case .outbound:
            let detail: MessageDetail
            do { detail = try await store.detail(ofMessage: id) } catch let error as StoreError where error.reasonCode == "queue.not_found" {
                return notice(request, session, heading: labels["notFound"] ?? "", text: id, back: "/console/queue", status: .notFound)
            }
            let message = detail.message
            documentID = message.documentID
            documentSender = message.from
            values["base"] = "/console/messages/\(id)"
            values["outbound"] = true
            values["fields"] = [
                [labels["documentId"]!, message.documentID], [labels["subject"]!, message.subject],
                [labels["sender"]!, message.from], [labels["destination"]!, message.destination],
                [labels["state"]!, message.state.rawValue], [labels["attempts"]!, String(message.attempts)],
                [labels["lastReason"]!, [message.lastReasonCode, message.lastReason].compactMap { $0 }.joined(separator: ": ")],
                [labels["created"]!, Self.timestamp(message.createdAt)],
            ].map { ["label": $0[0], "value": $0[1]] }
            values["attemptRows"] = detail.attempts.map {
                ["number": $0.number, "at": Self.timestamp($0.startedAt), "worker": $0.worker, "outcome": $0.outcome.rawValue,
                 "duration": $0.duration.map { "\($0)" } ?? "", "http": $0.httpStatus.map(String.init) ?? "",
                 "reasonCode": $0.reasonCode ?? "", "reason": $0.reason ?? $0.transportError ?? ""] as [String: Any]
            }
            values["changes"] = detail.changes.map {
                ["at": Self.timestamp($0.at), "from": $0.from?.rawValue ?? "∅", "to": $0.to.rawValue, "actor": $0.actor,
                 "reasonCode": $0.reasonCode ?? "", "detail": $0.detail ?? ""] as [String: Any]
            }
            values["operatorActions"] = detail.operatorActions.map {
                ["at": Self.timestamp($0.at), "actor": $0.actor, "action": $0.action, "reason": $0.reason ?? "", "result": $0.result] as [String: Any]
            }
            values["hasActions"] = !detail.operatorActions.isEmpty
            envelope = (try? await store.envelope(ofMessage: id)) ?? Data()
        case .inbound:
            guard let message = try await store.inboundMessage(id) else {
                return notice(request, session, heading: labels["notFound"] ?? "", text: id, back: "/console/queue?direction=inbound", status: .notFound)
            }
            documentID = message.documentID
            documentSender = message.timelineSender
            values["base"] = "/console/inbound/\(id)"
            values["fields"] = [
                [labels["documentId"]!, message.documentID], [labels["subject"]!, message.subject],
                [labels["sender"]!, message.from], [labels["destination"]!, message.to],
                [labels["received"]!, Self.timestamp(message.receivedAt)], [labels["verdict"]!, message.verdict],
            ].map { ["label": $0[0], "value": $0[1]] }
            if let recalled = message.recalledAt {
                values["fields"] = (values["fields"] as? [[String: String]] ?? [])
                    + [["label": labels["recalled"]!, "value": "\(Self.timestamp(recalled)) \(message.recallReason ?? "")"]]
            }
            envelope = (try? await store.inboundEnvelope(id)) ?? Data()
        }
        values["documentID"] = documentID
        let timeline = try await store.timeline(ofDocument: documentID, sentBy: documentSender)
        values["timeline"] = timeline.map {
            ["at": Self.timestamp($0.at), "code": $0.code, "organ": $0.organID, "description": $0.description] as [String: Any]
        }
        values["hasTimeline"] = !timeline.isEmpty
        addEnvelope(envelope, labels: labels, to: &values)
        return page(request, session: session, template: "message", title: "\(labels["message"] ?? "") \(documentID)", values: values)
    }

    /// The fields read from the stored edXML itself: organisations by name, number, trace, attachments, signature.
    private func addEnvelope(_ bytes: Data, labels: [String: String], to values: inout [String: Any]) {
        values["signatureText"] = labels["verdictNotRecorded"] ?? ""
        values["signer"] = "—"
        guard !bytes.isEmpty else { return }
        do {
            let message = try EdXMLReader().read(bytes).message
            var fields = values["fields"] as? [[String: String]] ?? []
            if let header = message.document?.header {
                let add = { (label: String?, value: String?) in
                    if let value, !value.isEmpty { fields.append(["label": label ?? "", "value": value]) }
                }
                add(labels["organization"].map { "\($0) (\(labels["sender"] ?? ""))" }, header.from.displayName)
                add(labels["organization"].map { "\($0) (\(labels["destination"] ?? ""))" },
                    header.to.compactMap(\.displayName).joined(separator: "; "))
                add(labels["documentNumber"], header.code?.combined)
                add(labels["promulgation"], [header.promulgation?.place, header.promulgation?.date?.description]
                    .compactMap { $0 }.joined(separator: ", "))
                if let signer = header.signer {
                    values["signer"] = [signer.fullName, signer.position, signer.competence].compactMap { $0 }.joined(separator: ", ")
                }
            }
            values["fields"] = fields
            values["trace"] = (message.traceList?.traces ?? []).map {
                ["organ": $0.organId?.description ?? "", "at": $0.timestamp?.description ?? ""]
            }
            values["attachments"] = (message.document?.attachments ?? []).enumerated().map { index, attachment in
                ["index": index, "name": attachment.attachmentName ?? attachment.contentId ?? "#\(index)",
                 "size": attachment.payload.decodedSize, "zipped": attachment.payload.isZipped, "base": values["base"] ?? ""] as [String: Any]
            }
            let present = message.signature != nil
            values["signatureText"] = "\(labels[present ? "signaturePresent" : "signatureAbsent"] ?? "") · \(labels["verdictNotRecorded"] ?? "")"
        } catch {
            values["envelopeProblem"] = "\(error)"
        }
    }

    func envelopeDownload(id: String, direction: ConsoleQuery.Direction) async throws -> Response {
        let bytes = direction == .outbound ? try await store.envelope(ofMessage: id) : try await store.inboundEnvelope(id)
        return Response(status: .ok, headers: [
            .contentType: "application/xml", .contentDisposition: "attachment; filename=\"\(id).edxml\"",
        ], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    func attachmentDownload(id: String, direction: ConsoleQuery.Direction, index: Int) async throws -> Response {
        let bytes = direction == .outbound ? try await store.envelope(ofMessage: id) : try await store.inboundEnvelope(id)
        let payloads = MemoryPayloadStore()
        let message = try EdXMLReader(payloads: payloads).read(bytes).message
        let attachments = message.document?.attachments ?? []
        guard attachments.indices.contains(index) else { throw HTTPError(.notFound) }
        let attachment = attachments[index]
        let data = try payloads.bytes(at: attachment.payload.location)
        return Response(status: .ok, headers: [
            .contentType: attachment.contentType ?? "application/octet-stream",
            .contentDisposition: ContentDisposition.attachment(fileName: attachment.attachmentName ?? "attachment-\(index)"),
            .xContentTypeOptions: "nosniff",
        ], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
