import EdXML
import Foundation
import Logging
import Relay
import Store
import Synchronization

/// Pushes one routed envelope to an agency's bus endpoint: `POST <endpoint>/bus/v1/edoc`, the raw
/// `.edxml` as the body, over the bus's mutual-TLS client (libcurl). A 2xx is delivered (the
/// gateway's inbox answers 202 or, for a duplicate, 200); everything else is classified for the
/// retry policy as the relay classifies the bus's answers.
///
/// Each push over TLS asks for the gateway's status 01 in the answer and routes what comes back as
/// if the agency had sent it with `sendEdoc`; the next push to that agency confirms what was
/// routed (see `StatusReply`).
struct AgencyPushDeliverer: Sendable {
    let transport: any HTTPTransport
    let intake: BusIntake?
    let logger: Logger
    let taken = TakenStatuses()

    func push(_ envelope: [UInt8], to agency: Agency, endpoint: String, message: OutboundMessage) async -> TransferOutcome {
        var base = endpoint
        while base.hasSuffix("/") { base.removeLast() }
        var headers = [
            HTTPField("Content-Type", "application/xml"),
            HTTPField("X-Lienthong-Bus-DocId", message.id),
            HTTPField("X-Lienthong-Bus-MessageType", message.kind),
        ]
        // Over TLS only: the answer stands for the agency's own call because it comes from the
        // endpoint registered for it, which plain HTTP does not show.
        let asksForStatus = intake != nil && base.lowercased().hasPrefix("https://")
        if asksForStatus { headers.append(HTTPField(StatusReply.acceptHeader, StatusReply.acceptValue)) }
        let confirming = taken.take(for: agency.organId)
        if !confirming.isEmpty { headers.append(HTTPField(StatusReply.takenHeader, StatusReply.takenHeaderValue(confirming))) }
        let request = HTTPRequest(method: "POST", url: "\(base)/bus/v1/edoc", headers: headers, body: .bytes(envelope))
        do {
            let response = try await transport.send(request)
            if let failure = RelayFailure.classify(status: response.status, headers: response.headers, body: response.body) {
                taken.putBack(confirming, for: agency.organId)
                return TransferOutcome(failure)
            }
            if asksForStatus { await routeStatus(in: response, from: agency) }
            return .delivered(busDocId: message.id, httpStatus: response.status)
        } catch {
            taken.putBack(confirming, for: agency.organId)
            return TransferOutcome(classifying: error)
        }
    }

    /// The status in a gateway's answer, through the bus's intake as the agency's own `sendEdoc`
    /// of it. One that cannot be routed now is left to the gateway, which sends it itself when its
    /// lease expires unconfirmed, so the push stays delivered either way.
    private func routeStatus(in response: HTTPResponse, from agency: Agency) async {
        guard let intake, let named = response.header(StatusReply.statusHeader),
              let taken = StatusReply.Taken(headerItem: named[...]), !response.body.isEmpty else { return }
        let file = response.body
        do {
            _ = try await intake.accept(BusIntake.Call(sender: agency, fromHeader: agency.organId, toHeader: nil,
                                                       messageType: .status, hashHeader: nil, file: file),
                                        logger: logger)
            self.taken.add(taken, for: agency.organId)
        } catch {
            logger.warning("status in a push's answer not routed; the agency sends it itself", metadata: [
                "agency": "\(agency.organId)", "message_id": "\(taken.messageId)",
                "reason": "\((error as? any ReasonCoded)?.reasonCode ?? "\(error)")",
            ])
        }
    }
}

/// The statuses routed from each agency's answers, until a push to it confirms them. Lost on a
/// restart, which costs the agency a repeat of each (its own `sendEdoc`, recognised as a repeat).
final class TakenStatuses: Sendable {
    private let byAgency = Mutex<[String: [StatusReply.Taken]]>([:])
    /// A bound on what waits for an agency that gets no push for a while; past it the oldest are dropped.
    private let limit = 10_000

    func add(_ status: StatusReply.Taken, for organId: String) {
        byAgency.withLock { byAgency in
            byAgency[organId, default: []].append(status)
            if let count = byAgency[organId]?.count, count > limit { byAgency[organId]?.removeFirst(count - limit) }
        }
    }

    func take(for organId: String) -> [StatusReply.Taken] {
        byAgency.withLock { byAgency in
            guard let waiting = byAgency[organId], !waiting.isEmpty else { return [] }
            let taken = Array(waiting.prefix(StatusReply.maxTakenPerPush))
            byAgency[organId] = Array(waiting.dropFirst(taken.count))
            return taken
        }
    }

    func putBack(_ statuses: [StatusReply.Taken], for organId: String) {
        guard !statuses.isEmpty else { return }
        byAgency.withLock { $0[organId, default: []].insert(contentsOf: statuses, at: 0) }
    }
}

/// The bus's `Deliverer`: a message's destination is the recipient's OrganId; the registry says
/// how it is reached. Push agencies get the envelope POSTed; polling agencies find it in their
/// mailbox, so their delivery is the deposit. A suspended agency's messages wait (retryable: the
/// operator may reactivate it; the retry policy's limits still end them); a removed one's die.
public struct AgencyDeliverer: Deliverer {
    let store: SQLiteStore
    let push: AgencyPushDeliverer

    /// `intake`: where statuses in a gateway's answer are routed; nil asks for none.
    init(store: SQLiteStore, pushTransport: any HTTPTransport, intake: BusIntake?, logger: Logger) {
        self.store = store
        self.push = AgencyPushDeliverer(transport: pushTransport, intake: intake, logger: logger)
    }

    public func deliver(_ message: OutboundMessage, envelope: [UInt8]) async -> TransferOutcome {
        do {
            guard let agency = try await store.agency(organId: message.destination) else {
                return .permanent(RelayFailure("bus.recipient_unknown", "no agency \(message.destination) is registered on this bus",
                                               disposition: .permanent))
            }
            guard agency.state == .active else {
                return .retryable(RelayFailure("bus.recipient_suspended", "the agency \(agency.organId) is suspended",
                                               disposition: .retryable(after: nil)), retryAfter: nil)
            }
            if let endpoint = agency.pushEndpoint {
                return await push.push(envelope, to: agency, endpoint: endpoint, message: message)
            }
            try await store.depositInMailbox(messageID: message.id)
            return .delivered(busDocId: message.id)
        } catch {
            return TransferOutcome(classifying: error)
        }
    }
}
