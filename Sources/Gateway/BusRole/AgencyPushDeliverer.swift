import Foundation
import Relay
import Store

/// Pushes one routed envelope to an agency's bus endpoint: `POST <endpoint>/bus/v1/edoc`, the raw
/// `.edxml` as the body, over the bus's mutual-TLS client (libcurl). A 2xx is delivered (the
/// gateway's inbox answers 202 or, for a duplicate, 200); everything else is classified for the
/// retry policy as the relay classifies the bus's answers.
struct AgencyPushDeliverer: Sendable {
    let transport: any HTTPTransport

    func push(_ envelope: [UInt8], to endpoint: String, message: OutboundMessage) async -> TransferOutcome {
        var base = endpoint
        while base.hasSuffix("/") { base.removeLast() }
        let request = HTTPRequest(method: "POST", url: "\(base)/bus/v1/edoc", headers: [
            HTTPField("Content-Type", "application/xml"),
            HTTPField("X-Lienthong-Bus-DocId", message.id),
            HTTPField("X-Lienthong-Bus-MessageType", message.kind),
        ], body: .bytes(envelope))
        do {
            let response = try await transport.send(request)
            if let failure = RelayFailure.classify(status: response.status, headers: response.headers, body: response.body) {
                return TransferOutcome(failure)
            }
            return .delivered(busDocId: message.id, httpStatus: response.status)
        } catch {
            return TransferOutcome(classifying: error)
        }
    }
}

/// The bus's `Deliverer`: a message's destination is the recipient's OrganId; the registry says
/// how it is reached. Push agencies get the envelope POSTed; polling agencies find it in their
/// mailbox, so their delivery is the deposit. A suspended agency's messages wait (retryable: the
/// operator may reactivate it; the retry policy's limits still end them); a removed one's die.
public struct AgencyDeliverer: Deliverer {
    let store: SQLiteStore
    let push: AgencyPushDeliverer

    public init(store: SQLiteStore, pushTransport: any HTTPTransport) {
        self.store = store
        self.push = AgencyPushDeliverer(transport: pushTransport)
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
                return await push.push(envelope, to: endpoint, message: message)
            }
            try await store.depositInMailbox(messageID: message.id)
            return .delivered(busDocId: message.id)
        } catch {
            return TransferOutcome(classifying: error)
        }
    }
}
