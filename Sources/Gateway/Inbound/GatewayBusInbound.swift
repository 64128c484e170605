import EdXML
import Logging

/// `POST /bus/v1/edoc`: the pushed envelope through the inbound pipeline. A refusal is thrown as
/// itself (422 with its reason code, after it was kept); a store that cannot be written is a 503
/// so the bus retries.
public struct GatewayBusInbound: BusInboundService {
    let pipeline: InboundPipeline

    public init(pipeline: InboundPipeline) {
        self.pipeline = pipeline
    }

    public func receive(_ envelope: [UInt8], logger: Logger) async throws -> BusReceipt {
        let outcome: InboundOutcome
        do {
            outcome = try await pipeline.process(envelope, source: .push)
        } catch let error as any ReasonCoded {
            logger.error("inbound message not stored", metadata: ["reason": "\(error.reasonCode)", "error": "\(error.explanation)"])
            throw Problem(.serviceUnavailable, error.reasonCode, "the gateway cannot store the document now; send it again later")
        }
        switch outcome {
        case .accepted(let ids): return BusReceipt(id: ids.first ?? "", duplicate: false)
        case .duplicate(let ids): return BusReceipt(id: ids.first ?? "", duplicate: true)
        case .refused(let refusal): throw refusal
        }
    }
}
