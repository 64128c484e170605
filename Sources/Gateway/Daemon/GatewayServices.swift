import ServiceLifecycle

/// What the other layers plug into the daemon. Each seam is optional: the routes of a missing
/// seam are not registered (they answer 404), so the daemon runs with whatever is joined.
public struct GatewayServices: Sendable {
    /// `POST/GET /v1/documents…`.
    public var outbound: (any OutboundService)?
    /// `GET/POST /v1/inbox…`.
    public var inbox: (any InboxService)?
    /// `POST /bus/v1/edoc` on the bus listener.
    public var busInbound: (any BusInboundService)?
    /// Run by `/readyz`.
    public var readinessProbes: [any ReadinessProbe]
    /// Long-running work (delivery workers, poller, store), run alongside the listeners. On
    /// shutdown they stop after the listeners, in reverse order of this list: list the store first.
    public var workers: [any Service]
    /// `/console` and `/metrics` on the unit API listener.
    public var operatorSurface: OperatorSurface?
    /// The bus role's VDXP calls (`sendEdoc`, …) on the `bus_api` listener.
    public var busAPI: BusAPI?
    /// Where the unit API records how long a submission waited for its acknowledgement.
    public var metrics: GatewayMetrics?

    public init(outbound: (any OutboundService)? = nil, inbox: (any InboxService)? = nil,
                busInbound: (any BusInboundService)? = nil, readinessProbes: [any ReadinessProbe] = [],
                workers: [any Service] = []) {
        self.outbound = outbound
        self.inbox = inbox
        self.busInbound = busInbound
        self.readinessProbes = readinessProbes
        self.workers = workers
    }
}
