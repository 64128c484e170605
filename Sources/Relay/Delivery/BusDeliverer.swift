import Store

/// Sends documents and status messages to the bus (`sendEdoc`), one recipient per message.
public struct BusDeliverer: Deliverer {
    let client: VDXPClient

    public init(client: VDXPClient) {
        self.client = client
    }

    public func deliver(_ message: OutboundMessage, envelope: [UInt8]) async -> TransferOutcome {
        // The store names every envelope by its SHA-256, which is what `hash-file` carries.
        await client.deliver(envelope, sha256: message.blobSHA256.isEmpty ? nil : message.blobSHA256, from: message.from,
                             to: [message.destination], messageType: message.kind == "status" ? .status : .edoc)
    }
}
