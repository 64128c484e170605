import Foundation
import Logging
import Relay

extension GatewayAssembly {
    /// The delivery worker: drives the outbound queue through a router (the units' webhooks for
    /// `webhook:<unit>` destinations, the bus for the rest), woken by `parts.deliverySignal`,
    /// each attempt counted in the metrics. Nothing to add when there is neither a bus nor a webhook.
    static func addDelivery(_ parts: GatewayParts, to services: inout GatewayServices, logger: Logger) throws {
        // The bus role runs its own worker over the agency deliverer (GatewayAssembly+BusRole).
        guard parts.configuration.role == .gateway else { return }
        let relay = parts.configuration.relay
        var routes: [(prefix: String, deliverer: any Deliverer)] = []
        let webhookURLs = Dictionary(uniqueKeysWithValues: parts.configuration.units.compactMap { unit in
            unit.webhookURL.map { (unit.name, $0.absoluteString) }
        })
        if !webhookURLs.isEmpty {
            // Units' webhooks are verified against the system's CAs (no client certificate).
            let transport = try CurlHTTPTransport(configuration: TransportConfiguration(
                connectTimeout: relay.connectTimeout, totalTimeout: relay.totalTimeout))
            routes.append((WebhookDeliverer.destinationPrefix, WebhookDeliverer(transport: transport, urls: webhookURLs)))
        }
        let bus = parts.busClient.map(BusDeliverer.init(client:))
        guard bus != nil || !routes.isEmpty else { return }
        let busContact = parts.busContact
        let worker = deliveryWorker(parts, deliverer: RoutingDeliverer(routes: routes, default: bus), name: "delivery",
                                    logger: logger) { attempt in
            if attempt.delivered && !attempt.destination.hasPrefix(WebhookDeliverer.destinationPrefix) {
                busContact.recordContact()
            }
        }
        services.workers.append(worker)
    }

    /// A delivery worker over `deliverer` with the `[relay]` settings, woken by the parts' signal,
    /// each attempt counted in the metrics and then shown to `onAttempt`.
    static func deliveryWorker(_ parts: GatewayParts, deliverer: any Deliverer, name: String,
                               leaseDuration: Duration = DeliveryWorkerConfiguration().leaseDuration, logger: Logger,
                               onAttempt: @escaping DeliveryWorker.AttemptHook = { _ in }) -> DeliveryWorker {
        let relay = parts.configuration.relay
        let metrics = parts.metrics
        return DeliveryWorker(
            store: parts.store, deliverer: deliverer, signal: parts.deliverySignal,
            configuration: DeliveryWorkerConfiguration(name: "\(name)@\(ProcessInfo.processInfo.processIdentifier)",
                                                       concurrency: relay.concurrency, leaseDuration: leaseDuration,
                                                       pollInterval: relay.pollInterval, shutdownGrace: relay.shutdownGrace),
            logger: logger,
            onAttempt: { attempt in
                metrics.recordAttempt(destination: attempt.destination, reasonCode: attempt.reasonCode,
                                      delivered: attempt.delivered, duration: attempt.duration)
                onAttempt(attempt)
            })
    }
}
