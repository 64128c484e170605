import Logging

/// What the bus endpoint needs from the inbound pipeline: take one raw `.edxml` the bus pushed,
/// run it through size limit → safe read → validation → signature verdict → sender binding →
/// addressing → duplicate check → durable inbox, and say what became of it. A refusal is thrown
/// as a `ReasonCoded` error (answered 422 with its reason code) after the pipeline kept it for the
/// operator.
public protocol BusInboundService: Sendable {
    func receive(_ push: BusPush, logger: Logger) async throws -> BusReceipt
}

/// One push: the envelope, and what the bus said of statuses in the answer (see `StatusReply`).
public struct BusPush: Sendable {
    public var envelope: [UInt8]
    /// The bus takes the status 01 in the answer.
    public var acceptsStatusReply: Bool
    /// Statuses earlier answers carried that the bus has routed.
    public var taken: [StatusReply.Taken]

    public init(envelope: [UInt8], acceptsStatusReply: Bool = false, taken: [StatusReply.Taken] = []) {
        self.envelope = envelope
        self.acceptsStatusReply = acceptsStatusReply
        self.taken = taken
    }
}

/// `202 {"id": …, "duplicate": false}`, or `200` with `"duplicate": true` when the same message
/// was already stored (acknowledged again, stored once). `statusReply`: the status 01 of a new
/// document, when the bus accepts statuses in the answer (then the answer's body; not JSON).
public struct BusReceipt: Encodable, Sendable, Equatable {
    public let id: String
    public let duplicate: Bool
    public let statusReply: StatusReply.Status?

    public init(id: String, duplicate: Bool, statusReply: StatusReply.Status? = nil) {
        self.id = id
        self.duplicate = duplicate
        self.statusReply = statusReply
    }

    private enum CodingKeys: String, CodingKey {
        case id, duplicate
    }
}
