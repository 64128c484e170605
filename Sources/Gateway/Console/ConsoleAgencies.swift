import Foundation
import Hummingbird
import Store

/// `/console/agencies`, on the bus: the registry (who may connect and how documents reach each
/// agency) beside each agency's flow: what waits to be delivered to it, what it holds unfetched
/// in its mailbox, what reached it, what died on the way, and what it sent that is still moving.
extension OperatorSurface {
    static let agenciesTemplate = """
    <h1>{{l.agencies}}</h1>
    {{^hasRows}}<p>{{l.noAgencies}}</p>{{/hasRows}}
    {{#hasRows}}<table><thead><tr><th scope="col">OrganId</th><th scope="col">{{l.name}}</th><th scope="col">{{l.state}}</th><th scope="col">{{l.deliveryMode}}</th><th scope="col">{{l.credentials}}</th><th scope="col">{{l.pendingTo}}</th><th scope="col">{{l.inMailbox}}</th><th scope="col">{{l.deliveredTo}}</th><th scope="col">{{l.deadTo}}</th><th scope="col">{{l.sentPending}}</th></tr></thead><tbody>{{/hasRows}}
    {{#rows}}<tr id="a-{{organId}}"><th scope="row"><a href="/console/queue?destination={{organId}}">{{organId}}</a></th><td>{{name}}{{#parent}}<br><small>{{l.parent}}: {{parent}}</small>{{/parent}}</td><td class="{{stateClass}}">{{state}}</td><td>{{mode}}</td><td>{{credentials}}</td><td>{{pending}}</td><td>{{mailbox}}</td><td>{{delivered}}</td><td class="{{deadClass}}">{{dead}}</td><td>{{sentPending}}</td></tr>{{/rows}}
    {{#hasRows}}</tbody></table>{{/hasRows}}
    """

    func agenciesPage(_ request: Request, _ session: ConsoleSession) async throws -> Response {
        let labels = Self.language(request).labels
        let agencies = try await store.agencies()
        let byDestination = try await store.stats().byDestination
        let sentPending = try await store.undeliveredBySender()
        var rows: [[String: Any]] = []
        for agency in agencies {
            let counts = byDestination[agency.organId] ?? [:]
            let pending = [MessageState.queued, .sending, .retryWait, .held].reduce(0) { $0 + (counts[$1] ?? 0) }
            let mailbox = agency.pushEndpoint == nil ? try await store.mailbox(of: agency.organId, kind: nil, limit: 10_000).count : 0
            let dead = counts[.dead] ?? 0
            var row: [String: Any] = ["organId": agency.organId, "name": agency.name, "parent": agency.parent ?? false]
            row["state"] = labels[agency.state == .active ? "active" : "suspended"] ?? agency.state.rawValue
            row["stateClass"] = agency.state == .active ? "" : "state-failed"
            row["mode"] = agency.pushEndpoint.map { "push → \($0)" } ?? (labels["pollMode"] ?? "poll")
            row["credentials"] = Self.credentials(of: agency)
            row["pending"] = pending
            row["mailbox"] = agency.pushEndpoint == nil ? "\(mailbox)" : "—"
            row["delivered"] = counts[.delivered] ?? 0
            row["dead"] = dead
            row["deadClass"] = dead > 0 ? "state-failed" : ""
            row["sentPending"] = sentPending[agency.organId] ?? 0
            rows.append(row)
        }
        return page(request, session: session, template: "agencies", title: labels["agencies"] ?? "",
                    values: ["rows": rows, "hasRows": !rows.isEmpty])
    }

    /// How the agency proves who it is: a certificate fingerprint (shortened) and/or a systemid.
    static func credentials(of agency: Agency) -> String {
        var parts: [String] = []
        if let fingerprint = agency.certificateSHA256 { parts.append("TLS SHA-256 \(fingerprint.prefix(16))…") }
        if let systemId = agency.systemId { parts.append("HMAC systemid \(systemId)") }
        return parts.joined(separator: "; ")
    }
}
