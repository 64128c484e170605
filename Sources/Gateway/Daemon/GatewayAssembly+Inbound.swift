import Logging
import Relay

extension GatewayAssembly {
    /// The inbound pipeline behind the unit API's inbox routes and the bus push endpoint, and the
    /// bus poller when `bus.delivery = "poll"`. Nothing in the bus role, which has its own routing.
    static func addInbound(_ parts: GatewayParts, to services: inout GatewayServices, logger: Logger) {
        guard parts.configuration.role == .gateway else { return }
        var logger = logger
        logger[metadataKey: "flow"] = "inbound"
        let pipeline = InboundPipeline(parts: parts, logger: logger)
        services.inbox = GatewayInboxService(parts: parts, logger: logger)
        services.busInbound = GatewayBusInbound(pipeline: pipeline)
        if let client = parts.busClient, case .poll(let interval) = parts.configuration.bus?.delivery {
            let poller = BusPoller(client: client, configuration: .init(interval: interval), logger: logger)
            services.workers.append(BusPollingWorker(poller: poller, pipeline: pipeline, logger: logger))
        }
    }
}
