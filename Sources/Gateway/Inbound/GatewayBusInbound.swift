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
        } catch {
            // Refusals are outcomes, not errors: what is thrown is the store failing (a full disk,
            // a locked database), which the bus must retry, so never a 4xx.
            let reason = (error as? any ReasonCoded)?.reasonCode ?? "store.unavailable"
            logger.error("inbound message not stored", metadata: ["reason": "\(reason)", "error": "\(error)"])
            throw Problem(.serviceUnavailable, reason, "the gateway cannot store the document now; send it again later")
        }
        switch outcome {
        case .accepted(let ids): return BusReceipt(id: ids.first ?? "", duplicate: false)
        case .duplicate(let ids): return BusReceipt(id: ids.first ?? "", duplicate: true)
        case .refused(let refusal): throw refusal
        }
    }
}
