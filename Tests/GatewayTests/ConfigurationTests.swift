import Foundation
import Gateway
import LibCrypto
import Testing
import TestSupport

@Suite("Gateway configuration")
struct ConfigurationTests {
    let exampleFile = Paths.packageRoot.appendingPathComponent("docs/gateway.example.toml")

    @Test("the commented example in docs/ parses into the values it documents")
    func exampleParses() throws {
        let configuration = try GatewayConfiguration.load(contentsOf: exampleFile)
        let docs = exampleFile.deletingLastPathComponent()
        #expect(configuration.role == .gateway)
        #expect(configuration.organIds == ["000.00.00.G22"])
        #expect(configuration.signing?.keyFile == docs.appendingPathComponent("pki/gateway.key"))
        #expect(configuration.signing?.keyPassphrase?.source == .environment("LIENTHONG_KEY_PASSPHRASE"))
        #expect(configuration.signing?.chainFiles == [docs.appendingPathComponent("pki/intermediate.crt")])
        #expect(configuration.trust.anchorFiles.count == 1 && configuration.trust.crlFiles.count == 1)
        let bus = try #require(configuration.bus)
        #expect(bus.url.absoluteString == "https://bus.example.gov.vn:8443/vdxp")
        #expect(bus.hostAndPort.host == "bus.example.gov.vn" && bus.hostAndPort.port == 8443)
        #expect(bus.systemId == "lienthong-g22")
        #expect(bus.secret?.source == .environment("LIENTHONG_BUS_SECRET"))
        #expect(bus.delivery == .poll(interval: .seconds(30)))
        #expect(configuration.units.count == 1)
        #expect(configuration.units[0].name == "office")
        #expect(configuration.units[0].organIds == ["000.00.00.G22"])
        #expect(configuration.units[0].webhookURL?.host == "office.example.gov.vn")
        #expect(configuration.store.directory == docs.appendingPathComponent("var/store"))
        #expect(configuration.retry == .init(base: .seconds(2), cap: .seconds(600), maxAttempts: 25, maxAge: .seconds(259_200)))
        #expect(configuration.limits.maxBodyBytes == 64 << 20)
        #expect(configuration.limits.xml.maxDepth == 64 && configuration.limits.xml.maxBytes == 256 << 20)
        #expect(configuration.signature == .init(mode: .require, allowSHA1: true))
        #expect(configuration.listeners.unitAPI.port == 8080 && configuration.listeners.unitAPI.tls != nil)
        #expect(configuration.listeners.busEndpoint?.tls?.clientCAFile == docs.appendingPathComponent("pki/bus-client-ca.crt"))
        #expect(configuration.log.level == .info)
        #expect(configuration.metrics.tokenSHA256.map(Hex.encode) == UnitAuthenticator.tokenHashHex("prometheus-scrape-token"))
        #expect(bus.organId == nil, "the example leaves the bus's OrganId commented out")
    }

    @Test("the example's unit token hash is the SHA-256 of its token, checked by the authenticator")
    func exampleTokenHash() throws {
        // 9f86d081… is the published SHA-256 of "test".
        let configuration = try GatewayConfiguration.load(contentsOf: exampleFile)
        let authenticator = UnitAuthenticator(units: configuration.units)
        #expect(authenticator.unit(forToken: "test")?.name == "office")
        #expect(authenticator.unit(forToken: "Test") == nil)
        #expect(UnitAuthenticator.tokenHashHex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(UnitAuthenticator.tokenHashHex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(UnitAuthenticator.tokenHashHex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test("secrets resolve from the environment and from files; a missing one names its key")
    func secrets() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var text = ConfigurationText()
        text.signing += "\nkey_passphrase_file = \"secrets/passphrase\""
        text.busExtra = "systemid = \"sys-1\"\nsecret_env = \"TEST_BUS_SECRET\""
        let file = directory.file("gateway.toml")
        try text.write(to: file)
        try FileManager.default.createDirectory(at: directory.file("secrets"), withIntermediateDirectories: true)
        try Data("correct horse\n".utf8).write(to: directory.file("secrets/passphrase"))

        let configuration = try GatewayConfiguration.load(contentsOf: file)
        let resolved = try configuration.resolveSecrets(environment: ["TEST_BUS_SECRET": "s3cret"])
        #expect(resolved == ["signing.key_passphrase_file": "correct horse", "bus.secret_env": "s3cret"])

        let missing = #expect(throws: ConfigurationError.self) { try configuration.resolveSecrets(environment: [:]) }
        #expect(missing?.reasonCode == "config.secret_unresolved")
        #expect(missing?.keyPath == "bus.secret_env")
        #expect(missing?.line != nil)
        #expect(missing?.message.contains("TEST_BUS_SECRET") == true)

        try FileManager.default.removeItem(at: directory.file("secrets/passphrase"))
        let missingFile = #expect(throws: ConfigurationError.self) {
            try configuration.resolveSecrets(environment: ["TEST_BUS_SECRET": "s3cret"])
        }
        #expect(missingFile?.keyPath == "signing.key_passphrase_file")
    }

    @Test("a secret written into the file itself is refused")
    func inlineSecretRefused() throws {
        var text = ConfigurationText()
        text.busExtra = "systemid = \"sys-1\"\nsecret = \"hunter2\""
        let error = try parseError(text.text)
        #expect(error.keyPath == "bus.secret")
        #expect(error.message.contains("secret_env"))
    }

    @Test("relative paths resolve against the configuration file's directory, absolute ones stay")
    func relativePaths() throws {
        var text = ConfigurationText()
        text.signing = "key_file = \"../keys/k.pem\"\ncertificate_file = \"/etc/lienthong/c.pem\""
        let configuration = try GatewayConfiguration.parse(text.text, file: URL(fileURLWithPath: "/srv/gw/conf/gateway.toml"))
        #expect(configuration.signing?.keyFile.path == "/srv/gw/keys/k.pem")
        #expect(configuration.signing?.certificateFile.path == "/etc/lienthong/c.pem")
        #expect(configuration.store.directory.path == "/srv/gw/conf/store")
    }

    /// Each case: a change to a valid configuration, the key path the error must name, and a
    /// fragment of its message.
    static let badValues: [(name: String, edit: @Sendable (inout ConfigurationText) -> Void, keyPath: String, says: String)] = [
        ("port out of range", { $0.unitPort = 70_000 }, "listeners.unit_api.port", "between 1 and 65535"),
        ("bus URL not http", { $0.busURL = "ftp://bus.example/" }, "bus.url", "http:// or https://"),
        ("unknown key", { $0.extra = "[retry]\nmax_atempts = 3\n" }, "retry.max_atempts", "not a known key"),
        ("duration without unit", { $0.extra = "[retry]\ncap = 600\n" }, "retry.cap", "duration"),
        ("cap below base", { $0.extra = "[retry]\nbase = \"1m\"\ncap = \"30s\"\n" }, "retry.cap", "at least retry.base"),
        ("bad size", { $0.maxBody = "\"lots\"" }, "limits.max_body", "size"),
        ("bad policy", { $0.signaturePolicy = "maybe" }, "signature.policy", "must be one of \"require\", \"record\", \"off\""),
        ("token, not its hash", { $0.units = [("office", "my-secret-token", ["000.00.00.G22"])] }, "units[0].token_sha256", "64 hex digits"),
        ("unit sends as a foreign OrganId", { $0.units = [("office", String(repeating: "ab", count: 32), ["000.00.00.H41"])] },
         "units[0].organ_ids", "not one of gateway.organ_ids"),
        ("no organ ids", { $0.organIds = [] }, "gateway.organ_ids", "at least one"),
        ("organ id with spaces", { $0.organIds = [" 000.00.00.G22"] }, "gateway.organ_ids[0]", "spaces"),
        ("push without a bus endpoint", { $0.busExtra = "delivery = \"push\"" }, "listeners.bus_endpoint", "push"),
        ("wrong type", { $0.busExtra = "systemid = 42" }, "bus.systemid", "expected a string, found an integer"),
        ("client certificate without key", { $0.busExtra = "client_certificate_file = \"c.pem\"" }, "bus.client_key_file", "go together"),
        ("a metrics token, not its hash", { $0.extra = "[metrics]\ntoken_sha256 = \"scrape-me\"\n" }, "metrics.token_sha256", "64 hex digits"),
        ("the metrics token is a unit's", {
            $0.units = [("office", String(repeating: "ab", count: 32), ["000.00.00.G22"])]
            $0.extra = "[metrics]\ntoken_sha256 = \"\(String(repeating: "AB", count: 32))\"\n"
        }, "metrics.token_sha256", "a token of its own"),
        ("the bus's OrganId is one of ours", { $0.busExtra = "organ_id = \"000.00.00.G22\"" }, "bus.organ_id", "one of gateway.organ_ids"),
        ("the bus's OrganId with spaces", { $0.busExtra = "organ_id = \"000.00.00.BUS \"" }, "bus.organ_id", "spaces"),
        ("a bus endpoint off this machine without mutual TLS",
         { $0.busEndpoint = "address = \"0.0.0.0\"\nport = 8443\n[listeners.bus_endpoint.tls]\ncertificate_file = \"s.crt\"\nkey_file = \"s.key\"" },
         "listeners.bus_endpoint", "without requiring the bus's client certificate"),
        ("a bus endpoint off this machine in plain HTTP", { $0.busEndpoint = "address = \"10.0.0.5\"\nport = 8443" },
         "listeners.bus_endpoint", "client_ca_file"),
        ("client certificates required without a CA",
         { $0.unitTLS = "certificate_file = \"s.crt\"\nkey_file = \"s.key\"\nclient_certificates = \"require\"" },
         "listeners.unit_api.tls.client_certificates", "needs client_ca_file"),
    ]

    @Test("a bus endpoint on loopback (behind a proxy) or with mutual TLS is accepted")
    func busEndpointsAccepted() throws {
        for endpoint in ["address = \"127.0.0.1\"\nport = 8443",
                         "address = \"0.0.0.0\"\nport = 8443\n[listeners.bus_endpoint.tls]\ncertificate_file = \"s.crt\"\nkey_file = \"s.key\"\nclient_ca_file = \"ca.crt\""] {
            var text = ConfigurationText()
            text.busEndpoint = endpoint
            let configuration = try GatewayConfiguration.parse(text.text, file: URL(fileURLWithPath: "/etc/lienthong/gateway.toml"))
            #expect(configuration.listeners.busEndpoint != nil, "\(endpoint)")
        }
    }

    @Test("bad values are refused as config.invalid, naming the key path and its line", arguments: badValues.indices)
    func badValue(_ index: Int) throws {
        let bad = Self.badValues[index]
        var text = ConfigurationText()
        bad.edit(&text)
        let error = try parseError(text.text)
        #expect(error.reasonCode == "config.invalid", "\(bad.name)")
        #expect(error.keyPath?.hasPrefix(bad.keyPath) == true, "\(bad.name): \(error.explanation)")
        #expect(error.message.contains(bad.says), "\(bad.name): \(error.explanation)")
        #expect(error.explanation.contains("gateway.toml"), "\(bad.name)")
    }

    @Test("an error names the line of the offending key")
    func errorLine() throws {
        var text = ConfigurationText()
        text.unitPort = 0
        let error = try parseError(text.text)
        let line = try #require(error.line)
        let lines = text.text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[line - 1].contains("port = 0"))
        #expect(error.explanation.hasPrefix("/etc/lienthong/gateway.toml:\(line): listeners.unit_api.port: "))
    }

    @Test("a TOML syntax error is config.invalid with its line")
    func syntaxError() throws {
        let error = try parseError("[gateway]\norgan_ids = [\"000.00.00.G22\"\n[store]\n")
        #expect(error.reasonCode == "config.invalid")
        #expect(error.line != nil)
        #expect(error.message.hasPrefix("not valid TOML"))
    }

    @Test("an unreadable file is config.unreadable")
    func unreadable() {
        let error = #expect(throws: ConfigurationError.self) {
            try GatewayConfiguration.load(contentsOf: URL(fileURLWithPath: "/nonexistent/gateway.toml"))
        }
        #expect(error?.reasonCode == "config.unreadable")
    }

    private func parseError(_ text: String) throws -> ConfigurationError {
        do {
            _ = try GatewayConfiguration.parse(text, file: URL(fileURLWithPath: "/etc/lienthong/gateway.toml"))
        } catch {
            return error
        }
        Issue.record("the configuration was accepted:\n\(text)")
        throw CancellationError()
    }
}
