import HTTPTypes
import Hummingbird
import NIOCore

/// `POST /bus/v1/edoc` on the bus listener: the raw envelope as the body. Mutual TLS (the bus's
/// client certificate) is enforced by the listener's TLS settings, before any request is read.
/// The bus's status-reply headers are read here (see `StatusReply`).
struct BusEndpointRoutes {
    let inbound: any BusInboundService
    let bodyLimit: Int

    func register(on router: Router<GatewayRequestContext>) {
        router.group("bus/v1")
            .add(middleware: BodyLimitMiddleware(limit: bodyLimit))
            .post("edoc") { request, context in
                let body = try await request.collectBody(context: context)
                guard body.readableBytes > 0 else { throw Problem.invalidRequest("the body must be the .edxml envelope") }
                let push = BusPush(envelope: Array(buffer: body),
                                   acceptsStatusReply: request.headers[values: StatusReply.acceptField].contains(StatusReply.acceptValue),
                                   taken: StatusReply.parseTaken(request.headers[StatusReply.takenField]))
                let receipt = try await inbound.receive(push, logger: context.logger)
                context.logger.info(receipt.duplicate ? "inbound duplicate acknowledged" : "inbound document stored",
                                    metadata: ["message_id": "\(receipt.id)"])
                if let status = receipt.statusReply {
                    return Response(status: .accepted, headers: [.contentType: "application/xml",
                                                                 StatusReply.statusField: status.taken.headerItem,
                                                                 StatusReply.inboxIdField: receipt.id],
                                    body: .init(byteBuffer: ByteBuffer(bytes: status.envelope)))
                }
                return try UnitAPIRoutes.json(receipt, status: receipt.duplicate ? .ok : .accepted, context: context)
            }
    }
}
