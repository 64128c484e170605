import EdXML
import Foundation
import Logging

extension GatewayAssembly {
    /// `/v1/documents…`: the unit API's outbound side, in the gateway role (it signs with the
    /// gateway's key, so a node without `[signing]` has none). The XSDs are looked for once here;
    /// without them a ready .edxml is still held to the field rules, and the log says so.
    static func addOutbound(_ parts: GatewayParts, to services: inout GatewayServices, logger: Logger) {
        guard parts.configuration.role == .gateway, let signer = parts.signer else { return }
        var validator: EdXMLValidator?
        if let schemas = SchemaLocator.find() {
            do {
                validator = try EdXMLValidator(schemaDirectory: schemas)
            } catch {
                logger.warning("edXML schemas unusable; ready .edxml submissions are checked by the field rules only",
                               metadata: ["reason": "\((error as? any ReasonCoded)?.reasonCode ?? "schema.unusable")"])
            }
        } else {
            logger.warning("edXML schemas not found; ready .edxml submissions are checked by the field rules only",
                           metadata: ["reason": "schema.not_found", "fix": "set LIENTHONG_SCHEMAS or install share/lienthong/schemas"])
        }
        services.outbound = GatewayOutboundService(store: parts.store, signer: signer, signal: parts.deliverySignal,
                                                   limits: parts.configuration.limits.xml, validator: validator)
    }
}
