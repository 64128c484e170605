import Store

/// Copies inbound documents to the units' webhooks: destination `webhook:<unit name>`, the
/// envelope POSTed as received (`application/xml`) with the inbox id in `X-Lienthong-Inbox-Id`
/// (the inbound flow queues it as the message's `documentID`). The reply is classified like
/// the bus's: 2xx delivered, 5xx/408/429 retried (honouring `Retry-After`), other 4xx dead.
public struct WebhookDeliverer: Deliverer {
    public static let destinationPrefix = "webhook:"
    public static let inboxIDHeader = "X-Lienthong-Inbox-Id"

    let transport: any HTTPTransport
    let urls: [String: String]

    /// `urls`: each unit's webhook URL by unit name.
    public init(transport: any HTTPTransport, urls: [String: String]) {
        self.transport = transport
        self.urls = urls
    }

    public func deliver(_ message: OutboundMessage, envelope: [UInt8]) async -> TransferOutcome {
        let unit = String(message.destination.dropFirst(Self.destinationPrefix.count))
        guard message.destination.hasPrefix(Self.destinationPrefix), let url = urls[unit] else {
            return .permanent(RelayFailure(RelayReason.noRoute, "no unit named \"\(unit)\" has a webhook_url",
                                           disposition: .permanent))
        }
        let request = HTTPRequest(method: "POST", url: url,
                                  headers: [HTTPField("Content-Type", "application/xml"),
                                            HTTPField(Self.inboxIDHeader, message.documentID)],
                                  body: .bytes(envelope))
        do {
            let response = try await transport.send(request)
            if let failure = RelayFailure.classify(status: response.status, headers: response.headers, body: response.body) {
                return TransferOutcome(failure)
            }
            return .delivered(busDocId: nil, httpStatus: response.status)
        } catch {
            return TransferOutcome(classifying: error)
        }
    }
}
