extension GatewayAssembly {
    /// The console and `/metrics` on the unit API listener, and the store's readiness probe.
    static func addOperatorSurface(_ parts: GatewayParts, to services: inout GatewayServices) throws {
        services.operatorSurface = try OperatorSurface(store: parts.store, metrics: parts.metrics)
        services.readinessProbes.append(OperatorReadinessProbes.storeWritable(parts.store))
    }
}
