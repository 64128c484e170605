import Foundation
import Hummingbird
import Store

/// `/console/refusals`: what the inbound pipeline refused and kept, most recently seen first, with
/// the reason code, whether a 02 went back, and the envelope as it arrived.
extension OperatorSurface {
    static let refusalsTemplate = """
    <h1>{{l.refusals}}</h1>
    {{^hasRows}}<p>{{l.none}}</p>{{/hasRows}}
    {{#hasRows}}<table><thead><tr><th scope="col">{{l.lastSeen}}</th><th scope="col">{{l.reason}}</th><th scope="col">{{l.sender}}</th><th scope="col">{{l.documentId}}</th><th scope="col">{{l.source}}</th><th scope="col">{{l.times}}</th><th scope="col">{{l.statusSent}}</th><th scope="col">{{l.envelope}}</th></tr></thead><tbody>{{/hasRows}}
    {{#rows}}<tr id="r-{{id}}"><td>{{lastSeen}}</td><td class="state-failed">{{reasonCode}}</td><td>{{sender}}</td><td>{{documentID}}</td><td>{{source}}</td><td>{{times}}</td><td>{{statusSent}}</td><td><a href="/console/refusals/{{id}}/edxml" download>{{l.download}}</a></td></tr>
    <tr><td colspan="8">{{reason}}</td></tr>{{/rows}}
    {{#hasRows}}</tbody></table>{{/hasRows}}
    """

    func refusalsPage(_ request: Request, _ session: ConsoleSession) async throws -> Response {
        let labels = Self.language(request).labels
        let refusals = try await store.refusals(limit: 200)
        let rows = refusals.map {
            ["id": $0.id, "lastSeen": Self.timestamp($0.lastSeenAt), "reasonCode": $0.reasonCode, "reason": $0.reason,
             "sender": $0.sender ?? "—", "documentID": $0.documentID ?? "—", "source": $0.source, "times": $0.times,
             "statusSent": $0.statusMessageID ?? (labels["none"] ?? "")] as [String: Any]
        }
        return page(request, session: session, template: "refusals", title: labels["refusals"] ?? "", values: ["rows": rows, "hasRows": !rows.isEmpty])
    }

    func refusalDownload(id: String) async throws -> Response {
        let bytes: Data
        do { bytes = try await store.refusalEnvelope(id) } catch let error as StoreError where error.reasonCode == "inbox.not_found" {
            throw HTTPError(.notFound)
        }
        return Response(status: .ok, headers: [
            .contentType: "application/xml", .contentDisposition: "attachment; filename=\"refused-\(id).edxml\"",
        ], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
