import Logging

/// What the bus endpoint needs from the inbound pipeline: take one raw `.edxml` the bus pushed,
/// run it through size limit → safe read → validation → signature verdict → sender binding →
/// addressing → duplicate check → durable inbox, and say what became of it. A refusal is thrown
/// as a `ReasonCoded` error (answered 422 with its reason code) after the pipeline kept it for the
/// operator.
public protocol BusInboundService: Sendable {
    func receive(_ envelope: [UInt8], logger: Logger) async throws -> BusReceipt
}

/// `202 {"id": …, "duplicate": false}`, or `200` with `"duplicate": true` when the same message
/// was already stored (acknowledged again, stored once).
public struct BusReceipt: Codable, Sendable, Equatable {
    public let id: String
    public let duplicate: Bool

    public init(id: String, duplicate: Bool) {
        self.id = id
        self.duplicate = duplicate
    }
}
