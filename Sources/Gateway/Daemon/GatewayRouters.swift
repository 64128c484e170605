import Hummingbird

/// The routers of the two listeners. Every response that is an error is problem+json: the
/// `ProblemMiddleware` sits outermost, so it also covers unknown paths.
public enum GatewayRouters {
    /// The unit API listener: `/healthz`, `/readyz` and `/v1`.
    public static func unitAPI(configuration: GatewayConfiguration, services: GatewayServices) -> Router<GatewayRequestContext> {
        let router = baseRouter(services, listener: "unit_api")
        if services.outbound != nil || services.inbox != nil {
            UnitAPIRoutes(outbound: services.outbound, inbox: services.inbox,
                          authenticator: UnitAuthenticator(units: configuration.units),
                          bodyLimit: configuration.limits.maxBodyBytes, metrics: services.metrics).register(on: router)
        }
        services.operatorSurface?.register(on: router)
        return router
    }

    /// The bus listener: `/healthz`, `/readyz` and `POST /bus/v1/edoc`.
    public static func busEndpoint(configuration: GatewayConfiguration, services: GatewayServices) -> Router<GatewayRequestContext> {
        let router = baseRouter(services, listener: "bus_endpoint")
        if let inbound = services.busInbound {
            BusEndpointRoutes(inbound: inbound, bodyLimit: configuration.limits.maxBodyBytes).register(on: router)
        }
        return router
    }

    /// The bus role's listener: `/healthz`, `/readyz` and the VDXP calls.
    public static func busAPI(configuration: GatewayConfiguration, services: GatewayServices) -> Router<GatewayRequestContext> {
        let router = baseRouter(services, listener: "bus_api")
        services.busAPI?.register(on: router)
        return router
    }

    /// `listener` names the listener in the refusals' metric, as the configuration does.
    private static func baseRouter(_ services: GatewayServices, listener: String) -> Router<GatewayRequestContext> {
        let router = Router(context: GatewayRequestContext.self)
        router.add(middleware: LogRequestsMiddleware(.info))
        router.add(middleware: ProblemMiddleware(metrics: services.metrics, listener: listener))
        HealthRoutes(probes: services.readinessProbes).register(on: router)
        return router
    }
}
