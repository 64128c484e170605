import Foundation

extension GatewayConfiguration {
    /// `[bus_api]`, `[push]` and `[[agencies]]`: what the `bus` role needs beyond the shared keys
    /// (its listener is `[listeners.bus_api]`).
    public struct BusRole: Sendable {
        /// The bus's own OrganId (`gateway.organ_ids[0]`): its TraceHeader and the statuses it sends.
        public var organId: String
        /// The VDXP calls are `<listener>/<base_path>/sendEdoc`, …; "" puts them at the root.
        /// Default `vdxp`.
        public var basePath: String
        /// How far a caller's HMAC `timestamp` may be from the bus's clock.
        public var hmacWindow: Duration
        /// The most entries `getReceivedEdocList` and `getSentEdocList` answer with.
        public var listLimit: Int
        /// How the bus connects to agencies' push endpoints (mutual TLS).
        public var push: PushClient
        /// Agencies the configuration registers (added or updated in the store at start).
        public var agencies: [AgencySettings]
    }

    public struct PushClient: Sendable {
        /// The CA the agencies' endpoint certificates must chain to; the system store when absent.
        public var caFile: URL?
        public var clientCertificateFile: URL?
        public var clientKeyFile: URL?
        public var clientKeyPassphrase: SecretReference?
    }

    public struct AgencySettings: Sendable {
        public var organId: String
        public var name: String
        public var parent: String?
        /// SHA-256 of the agency's TLS client certificate, given as hex or read from a PEM file.
        public var certificateSHA256: String?
        public var certificateFile: URL?
        public var systemId: String?
        public var secret: SecretReference?
        /// `push_endpoint`: documents are POSTed to `<endpoint>/bus/v1/edoc`; nil: the agency polls.
        public var pushURL: URL?
        public var suspended: Bool
    }
}

extension GatewayConfiguration.BusRole {
    var secretReferences: [SecretReference] {
        [push.clientKeyPassphrase].compactMap { $0 } + agencies.compactMap(\.secret)
    }

    /// Reads `[bus_api]`, `[push]` and `[[agencies]]`; all are refused outside the bus role.
    static func decode(_ root: TableReader, role: GatewayConfiguration.Role,
                       organIds: [String]) throws(ConfigurationError) -> GatewayConfiguration.BusRole? {
        let table = try root.table("bus_api")
        let pushTable = try root.table("push")
        let agencyTables = try root.tableArray("agencies")
        guard role == .bus else {
            for (key, present) in [("bus_api", table != nil), ("push", pushTable != nil), ("agencies", !agencyTables.isEmpty)] where present {
                throw root.error(key, "applies only to gateway.role = \"bus\"")
            }
            return nil
        }
        guard let organId = organIds.first else {
            throw root.error("gateway.organ_ids", "the bus role needs its own OrganId here, e.g. [\"000.00.00.BUS\"]")
        }
        var basePath = try table?.string("base_path") ?? "vdxp"
        while basePath.hasPrefix("/") { basePath.removeFirst() }
        while basePath.hasSuffix("/") { basePath.removeLast() }
        let window = try table?.duration("hmac_window") ?? .seconds(300)
        if let table, window < .seconds(1) || window > .seconds(3600) {
            throw table.error("hmac_window", "must be between 1s and 1h")
        }
        let listLimit = try table?.integer("list_limit", in: 1...10_000) ?? 500
        try table?.finish()
        let certificate = try pushTable?.path("client_certificate_file")
        let key = try pushTable?.path("client_key_file")
        if let pushTable, (certificate == nil) != (key == nil) {
            throw pushTable.error(certificate == nil ? "client_certificate_file" : "client_key_file",
                                  "client_certificate_file and client_key_file go together")
        }
        let push = GatewayConfiguration.PushClient(caFile: try pushTable?.path("ca_file"), clientCertificateFile: certificate,
                                                   clientKeyFile: key,
                                                   clientKeyPassphrase: try pushTable?.secret("client_key_passphrase"))
        try pushTable?.finish()
        var agencies: [GatewayConfiguration.AgencySettings] = []
        for agency in agencyTables {
            let settings = try decodeAgency(agency)
            if agencies.contains(where: { $0.organId == settings.organId }) {
                throw agency.error("organ_id", "another [[agencies]] entry has the OrganId \"\(settings.organId)\"")
            }
            agencies.append(settings)
        }
        return .init(organId: organId, basePath: basePath, hmacWindow: window, listLimit: listLimit, push: push,
                     agencies: agencies)
    }

    private static func decodeAgency(_ table: TableReader) throws(ConfigurationError) -> GatewayConfiguration.AgencySettings {
        let organId = try table.requiredString("organ_id")
        let fingerprint = try table.string("certificate_sha256")?.lowercased().replacingOccurrences(of: ":", with: "")
        if let fingerprint, fingerprint.count != 64 || !fingerprint.allSatisfy(\.isHexDigit) {
            throw table.error("certificate_sha256", "must be the certificate's SHA-256 fingerprint as 64 hex digits")
        }
        let certificateFile = try table.path("certificate_file")
        if fingerprint != nil && certificateFile != nil {
            throw table.error("certificate_file", "give either certificate_sha256 or certificate_file, not both")
        }
        let systemId = try table.string("systemid")
        let secret = try table.secret("secret")
        if (systemId == nil) != (secret == nil) {
            throw table.error("systemid", "systemid and secret_env/secret_file go together (the VDXP HMAC headers need both)")
        }
        if fingerprint == nil && certificateFile == nil && systemId == nil {
            throw table.error("organ_id", "the agency needs a credential: certificate_sha256, certificate_file, or systemid with a secret")
        }
        let pushURL = try table.httpURL("push_endpoint")
        let state = try table.string("state") ?? "active"
        guard state == "active" || state == "suspended" else {
            throw table.error("state", "must be one of \"active\", \"suspended\", found \"\(state)\"")
        }
        let settings = GatewayConfiguration.AgencySettings(
            organId: organId, name: try table.requiredString("name"), parent: try table.string("parent"),
            certificateSHA256: fingerprint, certificateFile: certificateFile, systemId: systemId, secret: secret,
            pushURL: pushURL, suspended: state == "suspended")
        try table.finish()
        return settings
    }
}
