import Foundation
import Gateway
import HummingbirdTesting
import NIOSSL
import Testing
import TestSupport

@Suite("lienthong serve as a process")
struct ServeProcessTests {
    /// GET `path` until the daemon answers (bounded: about 10 s), then return that answer.
    func getWhenUp(port: Int, path: String, tls: TLSConfiguration? = nil) async throws -> TestClient.Response? {
        for _ in 0..<100 {
            let response = try? await TestClient.withClient(host: "127.0.0.1", port: port,
                                                            configuration: .init(tlsConfiguration: tls, timeout: .seconds(5),
                                                                                 serverName: tls == nil ? nil : "localhost")) { client in
                try await client.get(path)
            }
            if let response { return response }
            try await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }

    @Test("serve answers /healthz on its port and exits 0 on SIGTERM")
    func serveAndStop() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var text = ConfigurationText()
        text.unitPort = freeLoopbackPort()
        let file = directory.file("gateway.toml")
        try text.write(to: file)

        let daemon = try DaemonProcess(configuration: file, directory: directory.url)
        let response = try #require(try await getWhenUp(port: text.unitPort, path: "/healthz"), "no answer: \(daemon.stderr)")
        #expect(response.status == .ok)
        #expect(String(buffer: try #require(response.body)).contains("\"ok\""))
        #expect(FileManager.default.fileExists(atPath: directory.file("store").path), "serve creates store.directory")

        let status = await daemon.stop(signal: SIGTERM)
        #expect(status == 0, "\(daemon.stderr)")
        let log = daemon.stderr
        #expect(log.contains("msg=listening"))
        #expect(log.contains("msg=\"gateway stopped\""))
        #expect(log.split(separator: "\n").allSatisfy { $0.hasPrefix("ts=") }, "every log line is one logfmt event:\n\(log)")
    }

    @Test("serve's /readyz says the bus is not reached, /metrics lists the signing certificate's expiry")
    func readinessIsFedByTheNode() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var text = ConfigurationText()
        text.unitPort = freeLoopbackPort()
        text.busURL = "https://127.0.0.1:\(freeLoopbackPort())/vdxp"
        let file = directory.file("gateway.toml")
        try text.write(to: file)

        let daemon = try DaemonProcess(configuration: file, directory: directory.url)
        defer { _ = daemon.stop() }
        #expect(try await getWhenUp(port: text.unitPort, path: "/healthz") != nil, "\(daemon.stderr)")
        let ready = try #require(try await getWhenUp(port: text.unitPort, path: "/readyz"))
        #expect(ready.status == .serviceUnavailable)
        let readyBody = try #require(ready.body)
        let answer = try JSONSerialization.jsonObject(with: Data(buffer: readyBody)) as? [String: Any]
        let checks = answer?["checks"]
        #expect(checks as? [String: String] == ["store": "ready", "keys": "ready", "certificates": "ready", "bus": "bus.not_reached"])
        let metricsAnswer = try await getWhenUp(port: text.unitPort, path: "/metrics")
        let metrics = String(buffer: try #require(metricsAnswer?.body))
        #expect(metrics.contains("lienthong_certificate_expiry_seconds{certificate=\"signing (CN=test gateway)\"}"), "\(metrics)")
    }

    @Test("with metrics.token_sha256, /metrics answers only the scraper's token; refusals are counted")
    func metricsAskForTheScrapersToken() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var text = ConfigurationText()
        text.unitPort = freeLoopbackPort()
        text.extra = "[metrics]\ntoken_sha256 = \"\(UnitAuthenticator.tokenHashHex("scraper-token"))\"\n"
        text.units = [("office", UnitAuthenticator.tokenHashHex("office-token"), ["000.00.00.G22"])]
        let file = directory.file("gateway.toml")
        try text.write(to: file)
        let daemon = try DaemonProcess(configuration: file, directory: directory.url)
        defer { _ = daemon.stop() }
        #expect(try await getWhenUp(port: text.unitPort, path: "/healthz") != nil, "\(daemon.stderr)")

        func scrape(_ authorization: String?) async throws -> TestClient.Response {
            try await TestClient.withClient(host: "127.0.0.1", port: text.unitPort, configuration: .init(timeout: .seconds(5))) { client in
                try await client.get("/metrics", headers: authorization.map { [.authorization: $0] } ?? [:])
            }
        }
        let anonymous = try await scrape(nil)
        #expect(anonymous.status == .unauthorized)
        #expect(String(buffer: anonymous.body ?? .init()).contains("\"reason\":\"auth.missing_token\""))
        #expect(anonymous.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
        #expect(try await scrape("Bearer wrong-token").status == .unauthorized)
        #expect(try await scrape("Bearer office-token").status == .unauthorized, "a unit's token does not read the metrics")
        let scraped = try await scrape("Bearer scraper-token")
        #expect(scraped.status == .ok)
        let samples = try PrometheusText.samples(String(buffer: try #require(scraped.body)))
        #expect(samples["lienthong_refusals_total{listener=\"unit_api\",reason=\"auth.missing_token\"}"] == 1, "\(samples)")
        #expect(samples["lienthong_refusals_total{listener=\"unit_api\",reason=\"auth.invalid_token\"}"] == 2, "\(samples)")
    }

    @Test("serve refuses a configuration with an unresolvable secret: exit 65, the key named")
    func missingSecret() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var text = ConfigurationText()
        text.busExtra = "systemid = \"sys\"\nsecret_env = \"LIENTHONG_TEST_UNSET_SECRET\""
        let file = directory.file("gateway.toml")
        try text.write(to: file)
        let result = try await runCommand(Paths.binary, ["serve", "--config", file.path], timeout: 30)
        #expect(result.status == 65)
        #expect(result.stderr.contains("error: config.secret_unresolved:"))
        #expect(result.stderr.contains("bus.secret_env"))
    }

    @Test("serve reports a port already in use as unavailable: exit 69")
    func portInUse() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let occupied = try ListeningSocket()
        var text = ConfigurationText()
        text.unitPort = occupied.port
        let file = directory.file("gateway.toml")
        try text.write(to: file)
        let result = try await runCommand(Paths.binary, ["serve", "--config", file.path], timeout: 30)
        #expect(result.status == 69, "\(result.stderr)")
        #expect(result.stderr.contains("error: daemon.failed:"))
        withExtendedLifetime(occupied) {}
    }

    @Test("serve refuses a TLS key it cannot load: exit 65, config.invalid naming the listener")
    func unreadableTLSKey() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try Data("not a certificate".utf8).write(to: directory.file("api.crt"))
        try Data("not a key".utf8).write(to: directory.file("api.key"))
        var text = ConfigurationText()
        text.unitPort = freeLoopbackPort()
        text.unitTLS = "certificate_file = \"api.crt\"\nkey_file = \"api.key\""
        let file = directory.file("gateway.toml")
        try text.write(to: file)
        let result = try await runCommand(Paths.binary, ["serve", "--config", file.path], timeout: 30)
        #expect(result.status == 65, "\(result.stderr)")
        #expect(result.stderr.contains("error: config.invalid: \(file.path): listeners.unit_api.tls: cannot load the TLS certificate"))
    }

    @Test("serve refuses trust anchors or a CRL that are not what their key names: exit 65, config.invalid naming key and file",
          arguments: ["anchors", "crls"])
    func trustFilesThatDoNotLoad(_ key: String) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let pki = try TestPKI.make(in: directory.url)
        try Data("not PEM\n".utf8).write(to: directory.file("broken.pem"))
        var text = ConfigurationText()
        text.unitPort = freeLoopbackPort()
        text.signaturePolicy = "require"
        let anchors = key == "anchors" ? "broken.pem" : pki.caCertificate.lastPathComponent
        text.extra = "[trust]\nanchors = [\"\(anchors)\"]\n" + (key == "crls" ? "crls = [\"broken.pem\"]\n" : "")
        let file = directory.file("gateway.toml")
        try text.write(to: file)
        let result = try await runCommand(Paths.binary, ["serve", "--config", file.path], timeout: 30)
        #expect(result.status == 65, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("error: config.invalid: \(file.path): trust.\(key): \(directory.file("broken.pem").path) cannot be loaded: "),
                "\(result.stderr)")
    }

    @Test("TLS listeners: HTTPS on the unit API; the bus endpoint requires the bus's client certificate")
    func tlsListeners() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let pki = try TestPKI.make(in: directory.url)
        var text = ConfigurationText()
        text.unitPort = freeLoopbackPort()
        text.unitTLS = "certificate_file = \"server.crt\"\nkey_file = \"server.key\""
        let busPort = freeLoopbackPort()
        text.busEndpoint = """
        address = "127.0.0.1"
        port = \(busPort)
        [listeners.bus_endpoint.tls]
        certificate_file = "server.crt"
        key_file = "server.key"
        client_ca_file = "ca.crt"
        """
        let file = directory.file("gateway.toml")
        try text.write(to: file)
        let daemon = try DaemonProcess(configuration: file, directory: directory.url)
        defer { _ = daemon.stop(signal: SIGKILL, timeout: 5) }

        var client = TLSConfiguration.makeClientConfiguration()
        client.trustRoots = .file(pki.caCertificate.path)
        let https = try #require(try await getWhenUp(port: text.unitPort, path: "/healthz", tls: client), "\(daemon.stderr)")
        #expect(https.status == .ok)

        let plain = try? await TestClient.withClient(host: "127.0.0.1", port: text.unitPort,
                                                     configuration: .init(timeout: .seconds(3))) { try await $0.get("/healthz") }
        #expect(plain == nil, "plain HTTP must not be answered on a TLS listener")

        let withoutCertificate = try? await TestClient.withClient(host: "127.0.0.1", port: busPort,
                                                                  configuration: .init(tlsConfiguration: client, timeout: .seconds(3),
                                                                                       serverName: "localhost")) { try await $0.get("/healthz") }
        #expect(withoutCertificate == nil, "the bus endpoint answered a client without a certificate")

        var busClient = client
        busClient.certificateChain = try NIOSSLCertificate.fromPEMFile(pki.clientCertificate.path).map { .certificate($0) }
        busClient.privateKey = .privateKey(try NIOSSLPrivateKey(file: pki.clientKey.path, format: .pem))
        let mutual = try #require(try await getWhenUp(port: busPort, path: "/healthz", tls: busClient), "\(daemon.stderr)")
        #expect(mutual.status == .ok)
        #expect(await daemon.stop(signal: SIGTERM) == 0)
    }
}
