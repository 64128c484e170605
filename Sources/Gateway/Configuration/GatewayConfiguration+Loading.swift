import EdXML
import Foundation
import LibXML
import Logging

extension GatewayConfiguration {
    /// Reads and checks the configuration file. Throws `ConfigurationError` naming the key and line.
    public static func load(contentsOf file: URL) throws(ConfigurationError) -> GatewayConfiguration {
        let file = file.standardizedFileURL
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw ConfigurationError(reasonCode: "config.unreadable", file: file.path, line: nil, keyPath: nil,
                                     message: "cannot read the configuration file (does it exist, is it readable?)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError(file: file.path, line: nil, keyPath: nil, message: "the file is not UTF-8 text")
        }
        return try parse(text, file: file)
    }

    /// Decodes configuration text as if it were read from `file` (relative paths resolve against
    /// its directory).
    public static func parse(_ text: String, file: URL) throws(ConfigurationError) -> GatewayConfiguration {
        let source = ConfigurationSource(fileName: file.path, baseDirectory: file.deletingLastPathComponent(),
                                         lines: KeyLineIndex(text: text))
        let entries: [String: TOMLNode]
        do {
            entries = try TOMLNode.parse(text)
        } catch {
            throw ConfigurationError(file: file.path, line: error.line, keyPath: nil,
                                     message: "not valid TOML: \(error.message)")
        }
        let root = TableReader(path: "", entries: entries, source: source)
        let configuration = try ConfigurationDecoder(root: root, file: file).decode()
        try root.finish()
        return configuration
    }
}

/// Walks the tables in a fixed order and builds the typed configuration, checking each value and
/// the rules that join several (a unit's OrganIds are the gateway's, push needs a bus endpoint…).
private struct ConfigurationDecoder {
    let root: TableReader
    let file: URL

    func decode() throws(ConfigurationError) -> GatewayConfiguration {
        let gateway = try required("gateway")
        let role = try gateway.choice("role", as: GatewayConfiguration.Role.self) ?? .gateway
        let organIds = try gateway.stringArray("organ_ids") ?? []
        if role == .gateway && organIds.isEmpty {
            throw gateway.error("organ_ids", "name at least one OrganId this gateway speaks for, e.g. [\"000.00.00.G22\"]")
        }
        for (index, organId) in organIds.enumerated() {
            if let problem = OrganId(organId).problem(strict: false) { throw gateway.error("organ_ids[\(index)]", problem) }
        }
        if let duplicate = firstDuplicate(organIds) {
            throw gateway.error("organ_ids", "lists \"\(duplicate)\" twice")
        }
        try gateway.finish()

        let signing = try decodeSigning(required: role == .gateway)
        let signature = try decodeSignaturePolicy()
        let trust = try decodeTrust(required: signature.mode != .off)
        let bus = try decodeBus(required: role == .gateway, gatewayOrganIds: organIds)
        let units = try decodeUnits(gatewayOrganIds: organIds)
        let store = try required("store")
        let storeSettings = GatewayConfiguration.StoreSettings(directory: try store.requiredPath("directory"))
        try store.finish()
        let listeners = try decodeListeners(pushDelivery: bus?.delivery == .push, role: role)

        var configuration = GatewayConfiguration(
            file: file, role: role, organIds: organIds, signing: signing, trust: trust, bus: bus, units: units,
            store: storeSettings, retry: try decodeRetry(), limits: try decodeLimits(), signature: signature,
            listeners: listeners, log: try decodeLog(), relay: try .init(root.table("relay")))
        configuration.metrics = try decodeMetrics(unitTokens: units.map(\.tokenSHA256))
        configuration.busRole = try GatewayConfiguration.BusRole.decode(root, role: role, organIds: organIds)
        return configuration
    }

    private func required(_ key: String) throws(ConfigurationError) -> TableReader {
        guard let table = try root.table(key) else { throw root.error(key, "the [\(key)] table is required") }
        return table
    }

    private func decodeSigning(required isRequired: Bool) throws(ConfigurationError) -> GatewayConfiguration.Signing? {
        guard let table = try root.table("signing") else {
            if isRequired { throw root.error("signing", "the [signing] table (key_file, certificate_file) is required") }
            return nil
        }
        let signing = GatewayConfiguration.Signing(
            keyFile: try table.requiredPath("key_file"), keyPassphrase: try table.secret("key_passphrase"),
            certificateFile: try table.requiredPath("certificate_file"), chainFiles: try table.paths("chain_files") ?? [])
        try table.finish()
        return signing
    }

    private func decodeTrust(required isRequired: Bool) throws(ConfigurationError) -> GatewayConfiguration.Trust {
        let table = try root.table("trust")
        let anchors = try table?.paths("anchors") ?? []
        if isRequired && anchors.isEmpty {
            throw (table ?? root).error(table == nil ? "trust" : "anchors",
                                        "name at least one trust anchor (CA certificate file); inbound signatures are checked against them")
        }
        let trust = GatewayConfiguration.Trust(anchorFiles: anchors, crlFiles: try table?.paths("crls") ?? [])
        try table?.finish()
        return trust
    }

    private func decodeBus(required isRequired: Bool, gatewayOrganIds: [String]) throws(ConfigurationError) -> GatewayConfiguration.Bus? {
        guard let table = try root.table("bus") else {
            if isRequired { throw root.error("bus", "the [bus] table (url, delivery) is required in the gateway role") }
            return nil
        }
        guard let url = try table.httpURL("url") else { throw table.error("url", "is required") }
        let certificate = try table.path("client_certificate_file")
        let key = try table.path("client_key_file")
        if (certificate == nil) != (key == nil) {
            throw table.error(certificate == nil ? "client_certificate_file" : "client_key_file",
                              "client_certificate_file and client_key_file go together")
        }
        let systemId = try table.string("systemid")
        let secret = try table.secret("secret")
        if systemId != nil && secret == nil {
            throw table.error("systemid", "the VDXP HMAC headers need a secret too: add secret_env or secret_file")
        }
        if secret != nil && systemId == nil {
            throw table.error("systemid", "is required with a secret: the VDXP HMAC headers need both")
        }
        let delivery: GatewayConfiguration.Bus.Delivery
        switch try table.string("delivery") ?? "poll" {
        case "push":
            if table.contains("poll_interval") {
                throw table.error("poll_interval", "applies only to delivery = \"poll\"")
            }
            delivery = .push
        case "poll":
            let interval = try table.duration("poll_interval") ?? .seconds(30)
            guard interval >= .seconds(1) else { throw table.error("poll_interval", "must be at least 1s") }
            delivery = .poll(interval: interval)
        case let other:
            throw table.error("delivery", "must be one of \"push\", \"poll\", found \"\(other)\"")
        }
        let organId = try table.string("organ_id")
        if let organId {
            if let problem = OrganId(organId).problem(strict: false) { throw table.error("organ_id", problem) }
            if gatewayOrganIds.contains(organId) {
                throw table.error("organ_id", "\"\(organId)\" is one of gateway.organ_ids; name the bus's own OrganId")
            }
        }
        let bus = GatewayConfiguration.Bus(
            url: url, caFile: try table.path("ca_file"), clientCertificateFile: certificate, clientKeyFile: key,
            clientKeyPassphrase: try table.secret("client_key_passphrase"), systemId: systemId, secret: secret,
            delivery: delivery, organId: organId)
        try table.finish()
        return bus
    }

    private func decodeUnits(gatewayOrganIds: [String]) throws(ConfigurationError) -> [GatewayConfiguration.Unit] {
        var units: [GatewayConfiguration.Unit] = []
        for table in try root.tableArray("units") {
            let name = try table.requiredString("name")
            if units.contains(where: { $0.name == name }) { throw table.error("name", "another unit is already named \"\(name)\"") }
            let hashText = try table.requiredString("token_sha256").lowercased()
            guard let hash = Self.hexBytes(hashText), hash.count == 32 else {
                throw table.error("token_sha256", "must be the SHA-256 of the token as 64 hex digits (printf %s \"$TOKEN\" | sha256sum), never the token itself")
            }
            if units.contains(where: { $0.tokenSHA256 == hash }) {
                throw table.error("token_sha256", "is the same as another unit's; give each unit its own token")
            }
            let organIds = try table.stringArray("organ_ids") ?? []
            if organIds.isEmpty { throw table.error("organ_ids", "name the OrganIds this unit may send as") }
            if let foreign = organIds.first(where: { !gatewayOrganIds.contains($0) }) {
                throw table.error("organ_ids", "\"\(foreign)\" is not one of gateway.organ_ids")
            }
            units.append(GatewayConfiguration.Unit(name: name, tokenSHA256: hash, organIds: organIds,
                                                   webhookURL: try table.httpURL("webhook_url")))
            try table.finish()
        }
        return units
    }

    private func decodeRetry() throws(ConfigurationError) -> GatewayConfiguration.RetryPolicy {
        var policy = GatewayConfiguration.RetryPolicy.default
        guard let table = try root.table("retry") else { return policy }
        policy.base = try table.duration("base") ?? policy.base
        policy.cap = try table.duration("cap") ?? policy.cap
        policy.maxAttempts = try table.integer("max_attempts", in: 1...10_000) ?? policy.maxAttempts
        policy.maxAge = try table.duration("max_age") ?? policy.maxAge
        if policy.base <= .zero { throw table.error("base", "must be longer than 0s") }
        if policy.cap < policy.base { throw table.error("cap", "must be at least retry.base") }
        if policy.maxAge <= .zero { throw table.error("max_age", "must be longer than 0s") }
        try table.finish()
        return policy
    }

    private func decodeLimits() throws(ConfigurationError) -> GatewayConfiguration.Limits {
        var limits = GatewayConfiguration.Limits(maxBodyBytes: GatewayConfiguration.Limits.defaultMaxBodyBytes,
                                                 xml: .default)
        guard let table = try root.table("limits") else { return limits }
        limits.maxBodyBytes = try table.byteSize("max_body") ?? limits.maxBodyBytes
        if let xml = try table.table("xml") {
            limits.xml.maxBytes = try xml.byteSize("max_bytes") ?? limits.xml.maxBytes
            limits.xml.maxDepth = try xml.integer("max_depth", in: 4...10_000) ?? limits.xml.maxDepth
            limits.xml.maxTextLength = try xml.byteSize("max_text_length") ?? limits.xml.maxTextLength
            limits.xml.maxAttributesPerElement = try xml.integer("max_attributes", in: 1...10_000)
                ?? limits.xml.maxAttributesPerElement
            try xml.finish()
        }
        try table.finish()
        return limits
    }

    private func decodeSignaturePolicy() throws(ConfigurationError) -> GatewayConfiguration.SignaturePolicy {
        guard let table = try root.table("signature") else { return .init(mode: .require, allowSHA1: false) }
        let policy = GatewayConfiguration.SignaturePolicy(
            mode: try table.choice("policy", as: GatewayConfiguration.SignaturePolicy.Mode.self) ?? .require,
            allowSHA1: try table.boolean("allow_sha1") ?? false)
        try table.finish()
        return policy
    }

    private func decodeListeners(pushDelivery: Bool, role: GatewayConfiguration.Role) throws(ConfigurationError) -> GatewayConfiguration.Listeners {
        let table = try required("listeners")
        guard let unitAPI = try decodeListener(table.table("unit_api")) else {
            throw table.error("unit_api", "the [listeners.unit_api] table (address, port) is required")
        }
        let busEndpoint = try decodeListener(table.table("bus_endpoint"))
        if pushDelivery && busEndpoint == nil {
            throw table.error("bus_endpoint", "bus.delivery = \"push\" needs a [listeners.bus_endpoint] for the bus to push to")
        }
        if let busEndpoint, busEndpoint.address == unitAPI.address, busEndpoint.port == unitAPI.port {
            throw table.error("bus_endpoint", "uses the same address and port as listeners.unit_api")
        }
        // Whoever can push here can hand us envelopes and take the 01s meant for their senders:
        // off this machine, only the bus may, by its client certificate. On loopback a TLS
        // proxy in front may do that check instead.
        if let busEndpoint, !busEndpoint.isLoopback, busEndpoint.tls?.clientCAFile == nil {
            throw table.error("bus_endpoint", "listens on \(busEndpoint.address) without requiring the bus's client certificate; "
                              + "add [listeners.bus_endpoint.tls] with client_ca_file (mutual TLS), or listen on 127.0.0.1 behind a proxy that does")
        }
        let busAPI = try decodeBusAPIListener(table, role: role, unitAPI: unitAPI)
        try table.finish()
        return .init(unitAPI: unitAPI, busEndpoint: busEndpoint, busAPI: busAPI)
    }

    /// `[listeners.bus_api]`: the bus role's VDXP API, required in that role and refused otherwise.
    private func decodeBusAPIListener(_ table: TableReader, role: GatewayConfiguration.Role,
                                      unitAPI: GatewayConfiguration.Listener) throws(ConfigurationError) -> GatewayConfiguration.Listener? {
        let listener = try decodeListener(table.table("bus_api"))
        switch (role, listener) {
        case (.bus, nil): throw table.error("bus_api", "the bus role needs a [listeners.bus_api] (address, port) for its VDXP API")
        case (.gateway, _?): throw table.error("bus_api", "applies only to gateway.role = \"bus\"")
        case (_, let listener?) where listener.address == unitAPI.address && listener.port == unitAPI.port:
            throw table.error("bus_api", "uses the same address and port as listeners.unit_api")
        default: return listener
        }
    }

    private func decodeListener(_ table: TableReader?) throws(ConfigurationError) -> GatewayConfiguration.Listener? {
        guard let table else { return nil }
        let address = try table.string("address") ?? "127.0.0.1"
        guard !address.isEmpty, !address.contains(where: \.isWhitespace) else {
            throw table.error("address", "must be an IP address or host name, found \"\(address)\"")
        }
        guard let port = try table.integer("port", in: 1...65_535) else { throw table.error("port", "is required") }
        var tls: GatewayConfiguration.ListenerTLS?
        if let tlsTable = try table.table("tls") {
            tls = .init(certificateFile: try tlsTable.requiredPath("certificate_file"),
                        keyFile: try tlsTable.requiredPath("key_file"),
                        keyPassphrase: try tlsTable.secret("key_passphrase"),
                        clientCAFile: try tlsTable.path("client_ca_file"))
            switch try tlsTable.string("client_certificates") {
            case nil: break
            case "require" where tls?.clientCAFile != nil: break
            case "require": throw tlsTable.error("client_certificates", "\"require\" needs client_ca_file, the CA the client certificates must chain to")
            case "optional" where tls?.clientCAFile != nil: tls?.clientCertificatesOptional = true
            case "optional": throw tlsTable.error("client_certificates", "\"optional\" needs client_ca_file")
            case let other?: throw tlsTable.error("client_certificates", "must be one of \"require\", \"optional\", found \"\(other)\"")
            }
            try tlsTable.finish()
        }
        try table.finish()
        return .init(address: address, port: port, tls: tls)
    }

    private func decodeMetrics(unitTokens: [[UInt8]]) throws(ConfigurationError) -> GatewayConfiguration.MetricsSettings {
        guard let table = try root.table("metrics") else { return .init() }
        var settings = GatewayConfiguration.MetricsSettings()
        if let text = try table.string("token_sha256") {
            guard let hash = Self.hexBytes(text.lowercased()), hash.count == 32 else {
                throw table.error("token_sha256", "must be the SHA-256 of the scraper's token as 64 hex digits (printf %s \"$TOKEN\" | sha256sum), never the token itself")
            }
            // A unit's token would then read the metrics, and the scraper's would not be its own.
            if unitTokens.contains(hash) {
                throw table.error("token_sha256", "is the same as a unit's token_sha256; give the scraper a token of its own")
            }
            settings.tokenSHA256 = hash
        }
        try table.finish()
        return settings
    }

    private func decodeLog() throws(ConfigurationError) -> GatewayConfiguration.LogSettings {
        guard let table = try root.table("log") else { return .init(level: .info) }
        let level = try table.choice("level", as: Logger.Level.self) ?? .info
        try table.finish()
        return .init(level: level)
    }

    private func firstDuplicate(_ values: [String]) -> String? {
        var seen: Set<String> = []
        return values.first { !seen.insert($0).inserted }
    }

    static func hexBytes(_ text: String) -> [UInt8]? {
        guard text.count % 2 == 0, text.allSatisfy(\.isHexDigit) else { return nil }
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            guard let byte = UInt8(text[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }
}
