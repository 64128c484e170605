import EdXML
import Logging

/// `POST /bus/v1/edoc`: the pushed envelope through the inbound pipeline. A refusal is thrown as
/// itself (422 with its reason code, after it was kept); a store that cannot be written is a 503
/// so the bus retries. Statuses the bus says it took from earlier answers are recorded delivered
/// first (see `StatusReply`).
public struct GatewayBusInbound: BusInboundService {
    let pipeline: InboundPipeline

    public init(pipeline: InboundPipeline) {
        self.pipeline = pipeline
    }

    public func receive(_ push: BusPush, logger: Logger) async throws -> BusReceipt {
        await confirm(push.taken, logger: logger)
        let outcome: InboundOutcome
        let statuses: [StatusReply.Status]
        do {
            (outcome, statuses) = try await pipeline.process(push.envelope, source: .push, statusReply: push.acceptsStatusReply)
        } catch {
            // Refusals are outcomes, not errors: what is thrown is the store failing (a full disk,
            // a locked database), which the bus must retry, so never a 4xx.
            let reason = (error as? any ReasonCoded)?.reasonCode ?? "store.unavailable"
            logger.error("inbound message not stored", metadata: ["reason": "\(reason)", "error": "\(error)"])
            throw Problem(.serviceUnavailable, reason, "the gateway cannot store the document now; send it again later")
        }
        switch outcome {
        case .accepted(let ids): return BusReceipt(id: ids.first ?? "", duplicate: false, statusReply: statuses.first)
        case .duplicate(let ids): return BusReceipt(id: ids.first ?? "", duplicate: true)
        case .refused(let refusal): throw refusal
        }
    }

    /// A confirmation that cannot be recorded now costs nothing but a repeat: the status's lease
    /// expires and the worker sends it, which the bus recognises as a call it answered.
    private func confirm(_ taken: [StatusReply.Taken], logger: Logger) async {
        for status in taken {
            do {
                if let destination = try await pipeline.parts.store.confirmHandedOver(messageID: status.messageId, leaseToken: status.lease,
                                                                                      worker: StatusReply.worker) {
                    pipeline.parts.metrics.recordDeliveredInAnswer(destination: destination)
                }
            } catch {
                logger.warning("status taken by the bus not recorded", metadata: ["message_id": "\(status.messageId)", "error": "\(error)"])
            }
        }
    }
}
