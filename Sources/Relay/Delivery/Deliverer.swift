import Store

/// Hands one claimed message to whatever is on the other side of its destination: the bus
/// (`sendEdoc`), a unit's webhook, an agency's push endpoint. Never throws: every failure is a
/// classified `TransferOutcome`, so the delivery worker can record it and apply the retry policy.
///
/// Destinations by convention: an OrganId (a document or status message for the bus to route),
/// `webhook:<unit name>` (an inbound document copied to a unit's webhook).
public protocol Deliverer: Sendable {
    func deliver(_ message: OutboundMessage, envelope: [UInt8]) async -> TransferOutcome
}
