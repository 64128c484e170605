import Store

/// Sends documents and status messages to the bus (`sendEdoc`), one recipient per message.
public struct BusDeliverer: Deliverer {
    let client: VDXPClient

    public init(client: VDXPClient) {
        self.client = client
    }

    public func deliver(_ message: OutboundMessage, envelope: [UInt8]) async -> TransferOutcome {
        await client.deliver(envelope, from: message.from, to: [message.destination],
                             messageType: message.kind == "status" ? .status : .edoc)
    }
}
