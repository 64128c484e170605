import Hummingbird

/// The bus role's VDXP API, as the daemon registers it on the `bus_api` listener.
public struct BusAPI: Sendable {
    let routes: BusAPIRoutes
    /// Hands routed messages to push endpoints and polling mailboxes (for the delivery workers).
    public let deliverer: AgencyDeliverer

    func register(on router: Router<GatewayRequestContext>) {
        routes.register(on: router)
    }
}
