import Hummingbird

/// `POST /bus/v1/edoc` on the bus listener: the raw envelope as the body. Mutual TLS (the bus's
/// client certificate) is enforced by the listener's TLS settings, before any request is read.
struct BusEndpointRoutes {
    let inbound: any BusInboundService
    let bodyLimit: Int

    func register(on router: Router<GatewayRequestContext>) {
        router.group("bus/v1")
            .add(middleware: BodyLimitMiddleware(limit: bodyLimit))
            .post("edoc") { request, context in
                let body = try await request.collectBody(context: context)
                guard body.readableBytes > 0 else { throw Problem.invalidRequest("the body must be the .edxml envelope") }
                let receipt = try await inbound.receive(Array(buffer: body), logger: context.logger)
                context.logger.info(receipt.duplicate ? "inbound duplicate acknowledged" : "inbound document stored",
                                    metadata: ["message_id": "\(receipt.id)"])
                return try UnitAPIRoutes.json(receipt, status: receipt.duplicate ? .ok : .accepted, context: context)
            }
    }
}
