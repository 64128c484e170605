import Foundation
import Gateway
import LibCrypto
import Testing
import TestSupport

@Suite("lienthong doctor")
struct DoctorTests {
    /// A configuration whose every file exists (made by openssl), whose secrets come from the
    /// environment and a file, and whose bus is a real listening socket.
    func healthySetup(in directory: TemporaryDirectory, busPort: Int) throws -> (URL, [String: String]) {
        let pki = try TestPKI.make(in: directory.url)
        try Data("bus-secret\n".utf8).write(to: directory.file("bus.secret"))
        chmod(directory.file("bus.secret").path, 0o600)
        chmod(pki.serverKey.path, 0o600)
        var text = ConfigurationText()
        text.unitPort = freeLoopbackPort()
        text.signing = "key_file = \"server.key\"\ncertificate_file = \"server.crt\"\nchain_files = [\"ca.crt\"]\nkey_passphrase_env = \"DOCTOR_TEST_PASSPHRASE\""
        text.busURL = "https://127.0.0.1:\(busPort)/vdxp"
        text.busExtra = """
        ca_file = "ca.crt"
        client_certificate_file = "client.crt"
        client_key_file = "client.key"
        systemid = "sys-1"
        secret_file = "bus.secret"
        """
        chmod(pki.clientKey.path, 0o600)
        text.signaturePolicy = "require"
        text.extra = "[trust]\nanchors = [\"ca.crt\"]\n"
        text.units = [("office", UnitAuthenticator.tokenHashHex("t"), ["000.00.00.G22"])]
        let file = directory.file("gateway.toml")
        try text.write(to: file)
        try FileManager.default.createDirectory(at: directory.file("store"), withIntermediateDirectories: true)
        return (file, ["DOCTOR_TEST_PASSPHRASE": "pass"])
    }

    @Test("a healthy configuration: every line ok, exit 0")
    func healthy() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let pki = TestPKI(directory: directory.url)
        let (file, environment) = try healthySetup(in: directory, busPort: 0)
        let bus = try TLSBusServer(certificate: pki.serverCertificate, key: pki.serverKey, clientCA: pki.caCertificate)
        defer { bus.stop() }
        try pointBus(of: file, at: bus.port)
        let result = try await runCommand(Paths.binary, ["doctor", "--config", file.path], environment: environment, timeout: 60)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("ok   signing.key_file: ") })
        #expect(lines.contains { $0.hasPrefix("ok   trust.anchors[0]: ") })
        #expect(lines.contains { $0.hasPrefix("ok   signing.key_passphrase_env: resolved from the environment variable DOCTOR_TEST_PASSPHRASE") })
        #expect(lines.contains { $0.hasPrefix("ok   bus.secret_file: ") })
        #expect(lines.contains { $0 == "ok   bus.reachable: a TCP connection to 127.0.0.1:\(bus.port) succeeded" })
        #expect(lines.contains { $0.hasPrefix("ok   listeners.unit_api: ") })
        #expect(lines.contains { $0 == "ok   signing.key_file: the private key matches the certificate CN=localhost" })
        #expect(lines.contains { $0 == "ok   bus.client_key_file: the private key matches the certificate CN=test bus client" })
        #expect(lines.contains { $0.hasPrefix("ok   signing.certificate_file: CN=localhost chains to CN=lienthong test CA") })
        #expect(lines.contains { $0.hasPrefix("ok   signing.certificate_file: valid until ") && $0.hasSuffix(" days)") })
        #expect(lines.contains { $0.hasPrefix("ok   bus.client_certificate_file: valid until ") })
        #expect(lines.contains { $0.hasPrefix("ok   bus.tls: TLS to 127.0.0.1:\(bus.port) works with bus.ca_file and the client certificate (HTTP 200)") })
        #expect(!lines.contains { $0.hasPrefix("fail") || $0.hasPrefix("warn") }, "\(result.stdout)")
        #expect(lines.last?.hasPrefix("0 failed, ") == true)
    }

    /// Points the configuration's bus URL at `port` (the TLS server starts after the PKI exists).
    func pointBus(of file: URL, at port: Int) throws {
        let text = try String(contentsOf: file, encoding: .utf8)
            .replacingOccurrences(of: "https://127.0.0.1:0/vdxp", with: "https://127.0.0.1:\(port)/vdxp")
        try Data(text.utf8).write(to: file)
    }

    func edit(_ file: URL, _ changes: [(String, String)], append: String = "") throws {
        var text = try String(contentsOf: file, encoding: .utf8)
        for (old, new) in changes {
            #expect(text.contains(old), "the test's configuration has no \(old)")
            text = text.replacingOccurrences(of: old, with: new)
        }
        try Data((text + append).utf8).write(to: file)
    }

    /// A certificate from `issuer` (self-signed when nil) written as `<name>.crt` and `<name>.key`.
    @discardableResult
    func issue(_ name: String, in directory: TemporaryDirectory, issuer: (certificate: Certificate, key: PrivateKey)?,
               notBefore: Date = Date().addingTimeInterval(-3600), validDays: Double = 90,
               isCA: Bool = false) throws -> (certificate: Certificate, key: PrivateKey) {
        let key = try PrivateKey.generateEC()
        var builder = CertificateBuilder(subject: [("CN", name)], notBefore: notBefore, validFor: validDays * 86_400)
        if isCA {
            builder.isCertificateAuthority = true
            builder.keyUsage = ["keyCertSign", "cRLSign"]
        }
        let certificate = try builder.issue(for: key.publicKey, issuer: issuer?.certificate, issuerKey: issuer?.key ?? key)
        try Data(certificate.pem.utf8).write(to: directory.file("\(name).crt"))
        try Data(try key.pkcs8PEM().utf8).write(to: directory.file("\(name).key"))
        chmod(directory.file("\(name).key").path, 0o600)
        return (certificate, key)
    }

    @Test("a key that is not its certificate's, an expired certificate, a bus CA that is not the bus's: a fail line each, naming the key")
    func brokenPKI() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let pki = TestPKI(directory: directory.url)
        let (file, environment) = try healthySetup(in: directory, busPort: 0)
        let bus = try TLSBusServer(certificate: pki.serverCertificate, key: pki.serverKey, clientCA: pki.caCertificate)
        defer { bus.stop() }
        try pointBus(of: file, at: bus.port)
        let testCA = (try Certificate(pem: Array(Data(contentsOf: pki.caCertificate))),
                      try PrivateKey(pem: Array(Data(contentsOf: directory.file("ca.key")))))
        try issue("expired", in: directory, issuer: testCA, notBefore: Date().addingTimeInterval(-40 * 86_400), validDays: 10)
        try issue("other-ca", in: directory, issuer: nil, isCA: true)
        try edit(file, [("key_file = \"server.key\"", "key_file = \"client.key\""), ("ca_file = \"ca.crt\"", "ca_file = \"other-ca.crt\"")],
                 append: "\n[listeners.unit_api.tls]\ncertificate_file = \"expired.crt\"\nkey_file = \"expired.key\"\n")

        let result = try await runCommand(Paths.binary, ["doctor", "--config", file.path], environment: environment, timeout: 60)
        #expect(result.status == 65, "\(result.stdout)\(result.stderr)")
        let failures = result.stdout.split(separator: "\n").map(String.init).filter { $0.hasPrefix("fail ") }
        #expect(failures.contains { $0.hasPrefix("fail signing.key_file: the private key client.key does not belong to signing.certificate_file (CN=localhost); fix: ") })
        #expect(failures.contains { $0.hasPrefix("fail listeners.unit_api.tls.certificate_file: CN=expired expired on ") })
        #expect(failures.contains { $0.hasPrefix("fail bus.ca_file: TLS to 127.0.0.1:\(bus.port) failed: relay.tls_untrusted: ") })
        #expect(failures.count == 3, "\(failures)")
        #expect(failures.allSatisfy { $0.contains("; fix: ") })
        // The contract's error line, naming the failed checks in the order printed.
        let failedSubjects = failures.map { $0.dropFirst("fail ".count).prefix { $0 != ":" } }.joined(separator: ", ")
        #expect(result.stderr == "error: doctor.failed: 3 checks failed: \(failedSubjects)\n", "\(result.stderr)")
    }

    @Test("expiry is judged at the doctor's clock (warn under 30 days, fail once expired); a chain to other anchors fails")
    func expiryAndChain() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (file, environment) = try healthySetup(in: directory, busPort: freeLoopbackPort())
        let checks = Doctor.standardChecks.filter { $0.name.hasPrefix("certificate.") }
        let configuration = try GatewayConfiguration.load(contentsOf: file)
        func findings(at now: Date) async -> [String: DoctorFinding] {
            let all = await Doctor(checks: checks).run(DoctorContext(configuration: configuration, environment: environment, now: now))
            return Dictionary(all.filter { $0.subject.hasSuffix("certificate_file") && ($0.message.contains("valid") || $0.message.contains("expire")) }
                .map { ($0.subject, $0) }, uniquingKeysWith: { first, _ in first })
        }
        let soon = await findings(at: Date().addingTimeInterval(80 * 86_400))
        #expect(soon["signing.certificate_file"]?.status == .warn)
        #expect(soon["signing.certificate_file"]?.message.contains("expires in 9 days") == true, "\(soon)")
        #expect(soon["bus.client_certificate_file"]?.status == .warn)
        let late = await findings(at: Date().addingTimeInterval(91 * 86_400))
        #expect(late["signing.certificate_file"]?.status == .fail)
        #expect(late["bus.client_certificate_file"]?.message.contains("expired on") == true, "\(late)")

        try issue("other-ca", in: directory, issuer: nil, isCA: true)
        try edit(file, [("anchors = [\"ca.crt\"]", "anchors = [\"other-ca.crt\"]")])
        let strangers = try GatewayConfiguration.load(contentsOf: file)
        let chain = await Doctor(checks: checks).run(DoctorContext(configuration: strangers, environment: environment))
            .filter { $0.status == .fail }
        #expect(chain.count == 1, "\(chain.map(\.line))")
        #expect(chain.first?.subject == "signing.certificate_file")
        #expect(chain.first?.message.contains("does not chain to trust.anchors") == true)
        #expect(chain.first?.fix?.contains("trust.anchors") == true)
    }

    @Test("missing file, unset secret, unreachable bus: one fail line each with a fix, exit 65")
    func broken() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let closedPort = freeLoopbackPort()
        let (file, _) = try healthySetup(in: directory, busPort: closedPort)
        try FileManager.default.removeItem(at: directory.file("ca.crt"))
        try Data("not a key".utf8).write(to: directory.file("client.key"))
        let result = try await runCommand(Paths.binary, ["doctor", "--config", file.path, "--timeout", "2"], timeout: 60)
        #expect(result.status == 65)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let failures = lines.filter { $0.hasPrefix("fail ") }
        #expect(failures.contains { $0.hasPrefix("fail trust.anchors[0]: ") && $0.contains("does not exist; fix: ") })
        #expect(failures.contains { $0.hasPrefix("fail bus.client_key_file: ") && $0.contains("no PEM PRIVATE KEY") })
        #expect(failures.contains { $0.hasPrefix("fail signing.key_passphrase_env: ") && $0.contains("DOCTOR_TEST_PASSPHRASE") })
        #expect(failures.contains { $0.hasPrefix("fail bus.reachable: cannot open a TCP connection to 127.0.0.1:\(closedPort)") })
        #expect(failures.allSatisfy { $0.contains("; fix: ") })
        #expect(lines.last?.hasPrefix("\(failures.count) failed, ") == true)
    }

    @Test("only the bus out of reach: its findings say so, exit 69 (the service), not 65 (the configuration)")
    func onlyTheBusUnreachable() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let closedPort = freeLoopbackPort()
        let (file, environment) = try healthySetup(in: directory, busPort: closedPort)
        let result = try await runCommand(Paths.binary, ["doctor", "--config", file.path, "--timeout", "2"],
                                          environment: environment, timeout: 60)
        #expect(result.status == 69, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.hasPrefix("error: doctor.failed: 2 checks failed: bus.reachable, bus.url"), "\(result.stderr)")
        let json = try await runCommand(Paths.binary, ["doctor", "--config", file.path, "--timeout", "2", "--json"],
                                        environment: environment, timeout: 60)
        #expect(json.status == 69)
        let findings = try JSONDecoder().decode([DoctorFinding].self, from: Data(json.stdout.utf8))
        let failed = findings.filter { $0.status == .fail }
        #expect(failed.map(\.subject) == ["bus.reachable", "bus.url"] && failed.allSatisfy { $0.serviceUnavailable == true })
        #expect(findings.filter { $0.status != .fail }.allSatisfy { $0.serviceUnavailable == nil })
    }

    @Test("warnings do not fail: plain-HTTP bus, policy record, SHA-1 allowed, world-readable key")
    func warningsOnly() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let bus = try ListeningSocket()
        let (file, environment) = try healthySetup(in: directory, busPort: bus.port)
        var text = try String(contentsOf: file, encoding: .utf8)
        text = text.replacingOccurrences(of: "https://", with: "http://")
            .replacingOccurrences(of: "policy = \"require\"", with: "policy = \"record\"\nallow_sha1 = true")
        try Data(text.utf8).write(to: file)
        chmod(directory.file("server.key").path, 0o644)

        let configuration = try GatewayConfiguration.load(contentsOf: file)
        let findings = await Doctor().run(DoctorContext(configuration: configuration, environment: environment))
        let warned = Set(findings.filter { $0.status == .warn }.map(\.subject))
        #expect(warned.isSuperset(of: ["bus.url", "signature.policy", "signature.allow_sha1", "signing.key_file"]), "\(findings.map(\.line))")
        #expect(!findings.contains { $0.status == .fail }, "\(findings.map(\.line))")
    }

    @Test("/metrics open on a unit API listener off loopback is a warning; a scraper's token ends it")
    func openMetricsOffLoopback() async throws {
        var text = ConfigurationText()
        text.unitPort = freeLoopbackPort()
        text.unitTLS = "certificate_file = \"s.crt\"\nkey_file = \"s.key\""
        let listeners = Doctor(checks: Doctor.standardChecks.filter { $0.name == "listeners" })
        let file = URL(fileURLWithPath: "/tmp/gateway.toml")
        let open = try GatewayConfiguration.parse(text.text.replacingOccurrences(of: "address = \"127.0.0.1\"", with: "address = \"0.0.0.0\""), file: file)
        let warned = await listeners.run(DoctorContext(configuration: open)).filter { $0.subject == "metrics.token_sha256" }
        #expect(warned.map(\.status) == [.warn], "\(warned.map(\.line))")
        let loopback = try GatewayConfiguration.parse(text.text, file: file)
        #expect(await listeners.run(DoctorContext(configuration: loopback)).allSatisfy { $0.subject != "metrics.token_sha256" })
        text.extra = "[metrics]\ntoken_sha256 = \"\(String(repeating: "cd", count: 32))\"\n"
        let guarded = try GatewayConfiguration.parse(text.text.replacingOccurrences(of: "address = \"127.0.0.1\"", with: "address = \"0.0.0.0\""), file: file)
        #expect(await listeners.run(DoctorContext(configuration: guarded)).allSatisfy { $0.subject != "metrics.token_sha256" })
    }

    @Test("a check added by another layer runs after the standard ones")
    func addedCheck() async throws {
        var text = ConfigurationText()
        text.unitPort = freeLoopbackPort()
        let configuration = try GatewayConfiguration.parse(text.text, file: URL(fileURLWithPath: "/tmp/gateway.toml"))
        var doctor = Doctor(checks: [])
        doctor.checks.append(DoctorCheck("certificate.expiry") { context in
            [.warn("signing.certificate_file", "expires in 12 days", fix: "renew \(context.configuration.signing!.certificateFile.lastPathComponent)")]
        })
        let findings = await doctor.run(DoctorContext(configuration: configuration))
        #expect(findings.map(\.line) == ["warn signing.certificate_file: expires in 12 days; fix: renew gateway.crt"])
    }

    @Test("an invalid configuration is refused before any check: exit 65 with config.invalid")
    func invalidConfiguration() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var text = ConfigurationText()
        text.unitPort = 0
        try text.write(to: directory.file("gateway.toml"))
        let result = try await runCommand(Paths.binary, ["doctor", "--config", directory.file("gateway.toml").path], timeout: 30)
        #expect(result.status == 65)
        #expect(result.stderr.hasPrefix("error: config.invalid: "))
        #expect(result.stderr.contains("listeners.unit_api.port"))
    }
}
