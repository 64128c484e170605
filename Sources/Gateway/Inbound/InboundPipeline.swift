import EdXML
import Foundation
import Logging
import Store
import XMLDSig

/// One pipeline for every inbound envelope, pushed or polled (docs/gateway.md, "Inbound"):
/// size limit → safe read → validation → signature verdict and sender binding → addressed to one
/// of our OrganIds → duplicate check → durable inbox → status 01 back to the sender and a copy to
/// each unit's webhook. A refusal is kept for the operator and answered with a status 02 when the
/// sender can be identified. Throws only when the store cannot be written (the caller retries).
public struct InboundPipeline: Sendable {
    let parts: GatewayParts
    let reader: EdXMLReader
    let signature: SignatureCheck
    let followUps: InboundFollowUps
    let logger: Logger

    public init(parts: GatewayParts, logger: Logger) {
        self.parts = parts
        // Attachments are checked (base64, manifest), not kept: the envelope is stored as received,
        // and the inbox reads them out of it when a unit asks. The signature is verified on the
        // parsed tree.
        var reader = EdXMLReader(limits: parts.configuration.limits.xml, payloads: MeasuringPayloadStore(digests: false))
        reader.keepsSignatureElement = false
        self.reader = reader
        var verifier = parts.verifier
        verifier?.limits = parts.configuration.limits.xml
        signature = SignatureCheck(mode: parts.configuration.signature.mode, verifier: verifier, binding: parts.senderBinding)
        followUps = InboundFollowUps(parts: parts, logger: logger)
        self.logger = logger
    }

    var organIds: [String] { parts.configuration.organIds }

    public func process(_ envelope: [UInt8], source: InboundSource) async throws -> InboundOutcome {
        try await process(envelope, source: source, statusReply: false).outcome
    }

    /// With `statusReply`, a new document's status 01 is handed over for the answer (see
    /// `StatusReply`) instead of to the delivery worker, and returned with the outcome.
    public func process(_ envelope: [UInt8], source: InboundSource,
                        statusReply: Bool) async throws -> (outcome: InboundOutcome, statusReplies: [StatusReply.Status]) {
        let examined: Examined
        do {
            examined = try await examine(envelope)
        } catch let refused as Refused {
            return (.refused(try await keep(refused, envelope: envelope, source: source)), [])
        }
        let (outcome, statusReplies) = try await store(examined, envelope: envelope, statusReply: statusReply)
        switch outcome {
        case .accepted(let ids):
            parts.metrics.recordInboundVerdict("accepted", reasonCode: examined.verdictReason)
            logger.info("inbound message stored", metadata: ["message_id": "\(ids.joined(separator: ","))", "source": "\(source)",
                                                             "kind": "\(examined.kind)", "verdict": "\(examined.verdict)"])
        case .duplicate(let ids):
            parts.metrics.recordInboundVerdict("duplicate", reasonCode: nil)
            logger.info("inbound duplicate acknowledged", metadata: ["message_id": "\(ids.joined(separator: ","))", "source": "\(source)"])
        case .refused:
            break
        }
        return (outcome, statusReplies)
    }
}
