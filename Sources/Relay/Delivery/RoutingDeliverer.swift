import Store

/// Picks the deliverer for a message by the prefix of its destination (`webhook:` → the units'
/// webhooks); everything else goes to the default (the bus).
public struct RoutingDeliverer: Deliverer {
    let routes: [(prefix: String, deliverer: any Deliverer)]
    let fallback: (any Deliverer)?

    public init(routes: [(prefix: String, deliverer: any Deliverer)], default fallback: (any Deliverer)?) {
        self.routes = routes
        self.fallback = fallback
    }

    public func deliver(_ message: OutboundMessage, envelope: [UInt8]) async -> TransferOutcome {
        let route = routes.first { message.destination.hasPrefix($0.prefix) }?.deliverer ?? fallback
        guard let route else {
            return .permanent(RelayFailure(RelayReason.noRoute, "nothing on this gateway delivers to \(message.destination)",
                                           disposition: .permanent))
        }
        return await route.deliver(message, envelope: envelope)
    }
}
