import Logging

/// Joins one node's parts into the services `GatewayDaemon` runs. Each flow adds itself in its
/// own extension file (`GatewayAssembly+Operator.swift`, `+Outbound`, `+Inbound`, `+BusRole`),
/// so the wiring of a flow sits next to nothing else.
public enum GatewayAssembly {
    public static func services(for parts: GatewayParts, logger: Logger) throws -> GatewayServices {
        var services = GatewayServices()
        try addOperatorSurface(parts, to: &services, logger: logger)
        try addDelivery(parts, to: &services, logger: logger)
        addOutbound(parts, to: &services, logger: logger)
        addInbound(parts, to: &services, logger: logger)
        try addBusRole(parts, to: &services, logger: logger)
        return services
    }
}
