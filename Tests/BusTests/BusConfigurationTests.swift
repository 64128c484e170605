import Foundation
@testable import Gateway
import Testing
import TestSupport

@Suite("bus role: configuration")
struct BusConfigurationTests {
    static let example = Paths.packageRoot.appendingPathComponent("docs/bus.example.toml")

    @Test("docs/bus.example.toml parses into the bus role's settings")
    func exampleParses() throws {
        let configuration = try GatewayConfiguration.load(contentsOf: Self.example)
        #expect(configuration.role == .bus)
        let bus = try #require(configuration.busRole)
        #expect(bus.organId == "000.00.00.BUS")
        #expect(bus.basePath == "vdxp")
        #expect(bus.hmacWindow == .seconds(300))
        #expect(bus.listLimit == 500)
        #expect(bus.push.clientCertificateFile?.lastPathComponent == "tls-client.pem")
        #expect(bus.agencies.map(\.organId) == ["000.00.00.G22", "000.00.00.H41"])
        #expect(bus.agencies[0].pushURL?.absoluteString == "https://gateway.vpcp.example.gov.vn:8444")
        #expect(bus.agencies[0].certificateFile?.lastPathComponent == "tls-client-000.00.00.G22.pem")
        #expect(bus.agencies[1].pushURL == nil, "an agency without push_endpoint polls")
        #expect(bus.agencies[1].systemId == "nghean-edoc")
        #expect(bus.agencies[1].parent == "000.00.00.G22")
        #expect(configuration.secretReferences.contains { $0.keyPath == "agencies[1].secret_file" })
        #expect(configuration.listeners.busAPI?.port == 8443)
        #expect(configuration.listeners.busAPI?.tls?.clientCertificatesOptional == true)
        #expect(configuration.bus == nil)
    }

    static let refusals: [(edit: @Sendable (String) -> String, keyPath: String, says: String)] = [
        ({ $0.replacingOccurrences(of: "role = \"bus\"", with: "role = \"gateway\"") }, "bus", "required in the gateway role"),
        ({ $0.replacingOccurrences(of: "[listeners.bus_api", with: "[listeners.bus_apx") }, "listeners.bus_api", "needs a [listeners.bus_api]"),
        ({ $0.replacingOccurrences(of: "port = 8443", with: "") }, "listeners.bus_api.port", "is required"),
        ({ $0.replacingOccurrences(of: "systemid = \"nghean-edoc\"\n", with: "") }, "agencies[1].systemid", "go together"),
        ({ $0.replacingOccurrences(of: "certificate_file = \"pki/tls-client-000.00.00.G22.pem\"",
                                   with: "certificate_sha256 = \"abc\"") }, "agencies[0].certificate_sha256", "64 hex digits"),
        ({ $0.replacingOccurrences(of: "state = \"active\"", with: "state = \"paused\"") }, "agencies[1].state", "\"suspended\""),
        ({ $0.replacingOccurrences(of: "state = \"active\"", with: "mode = \"push\"") }, "agencies[1].mode", "not a known key"),
        ({ $0.replacingOccurrences(of: "hmac_window = \"5m\"", with: "hmac_window = \"2h\"") }, "bus_api.hmac_window", "between"),
        ({ $0.replacingOccurrences(of: "secret_file = \"secrets/nghean.secret\"", with: "secret = \"plain\"") },
         "agencies[1].secret", "not read from the configuration"),
        ({ $0 + "\n[[agencies]]\norgan_id = \"000.00.00.G22\"\nname = \"again\"\nsystemid = \"x\"\nsecret_env = \"X\"\n" },
         "agencies[2].organ_id", "another [[agencies]] entry"),
        ({ $0.replacingOccurrences(of: "organ_id = \"000.00.00.H41\"\nname = \"UBND tỉnh Nghệ An\"\nparent = \"000.00.00.G22\"\nsystemid = \"nghean-edoc\"\nsecret_file = \"secrets/nghean.secret\"",
                                   with: "organ_id = \"000.00.00.H41\"\nname = \"UBND tỉnh Nghệ An\"") }, "agencies[1].organ_id", "needs a credential"),
    ]

    @Test("mistakes in the bus role's keys are refused naming the key", arguments: 0..<refusals.count)
    func refused(_ index: Int) throws {
        let text = try String(contentsOf: Self.example, encoding: .utf8)
        let edited = Self.refusals[index].edit(text)
        #expect(edited != text, "the edit applies")
        let error = #expect(throws: ConfigurationError.self) { try GatewayConfiguration.parse(edited, file: Self.example) }
        #expect(error?.keyPath == Self.refusals[index].keyPath, "\(error.map { "\($0)" } ?? "")")
        #expect(error?.message.contains(Self.refusals[index].says) == true, "\(error.map { "\($0)" } ?? "")")
    }

    @Test("the bus role's tables are refused in the gateway role")
    func busTablesOutsideTheBusRole() throws {
        let gateway = try String(contentsOf: Paths.packageRoot.appendingPathComponent("docs/gateway.example.toml"), encoding: .utf8)
        for extra in ["\n[bus_api]\nbase_path = \"x\"\n", "\n[push]\nca_file = \"x.pem\"\n",
                      "\n[[agencies]]\norgan_id = \"A\"\nname = \"A\"\nsystemid = \"a\"\nsecret_env = \"A\"\n"] {
            let error = #expect(throws: ConfigurationError.self) {
                try GatewayConfiguration.parse(gateway + extra, file: Self.example)
            }
            #expect(error?.message.contains("applies only to gateway.role = \"bus\"") == true, "\(error.map { "\($0)" } ?? "")")
        }
    }
}

@Suite("bus role: doctor")
struct BusDoctorTests {
    @Test("doctor checks a bus configuration: listeners, [push] and agency certificate files, secrets; exit 0 when all is there")
    func doctorOnABus() async throws {
        let directory = try TemporaryDirectory(prefix: "lienthong-bus-doctor")
        defer { directory.remove() }
        let file = try BusNode.writeConfiguration(in: directory, port: freeLoopbackPort())
        let result = try await runCommand(Paths.binary, ["doctor", "--config", file.path])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        for key in ["listeners.bus_api", "push.client_certificate_file", "push.client_key_file",
                    "agencies[0].certificate_file", "listeners.bus_api.tls.client_ca_file"] {
            #expect(result.stdout.contains("ok   \(key)"), "\(key) is checked: \(result.stdout)")
        }
        // The keys the bus presents match their certificates, and their expiry is checked.
        for pair in ["listeners.bus_api.tls.key_file: the private key matches", "push.client_key_file: the private key matches"] {
            #expect(result.stdout.contains("ok   \(pair)"), "\(pair): \(result.stdout)")
        }
        for certificate in ["listeners.bus_api.tls.certificate_file", "push.client_certificate_file"] {
            #expect(result.stdout.split(separator: "\n").contains { $0.hasPrefix("ok   \(certificate): ") && $0.contains("valid until") },
                    "\(certificate)'s expiry: \(result.stdout)")
        }
        #expect(!result.stdout.contains("no unit is configured"), "units are not used in the bus role")
        #expect(result.stdout.contains("ok   signing: the status 02 the bus sends"), "\(result.stdout)")

        let text = try String(contentsOf: file, encoding: .utf8)
        try Data(text.replacingOccurrences(of: "tls-client-\(SharedPKI.a).pem", with: "tls-client-missing.pem").utf8).write(to: file)
        let broken = try await runCommand(Paths.binary, ["doctor", "--config", file.path])
        #expect(broken.status == 65)
        #expect(broken.stdout.contains("fail agencies[0].certificate_file"), "\(broken.stdout)")
    }

    @Test("the bus's /metrics and /readyz watch the expiry of its bus API and push client certificates too")
    func certificatesWatched() throws {
        let directory = try TemporaryDirectory(prefix: "lienthong-bus-certificates")
        defer { directory.remove() }
        let configuration = try GatewayConfiguration.load(contentsOf: try BusNode.writeConfiguration(in: directory, port: freeLoopbackPort()))
        let names = GatewayAssembly.certificateExpiries(configuration).map(\.name)
        for prefix in ["signing (", "bus API TLS (", "push client (", "trust anchor 1 ("] {
            #expect(names.contains { $0.hasPrefix(prefix) }, "\(prefix): \(names)")
        }
    }

    @Test("a bus without [signing] is warned that its status 02 goes unsigned, and still passes")
    func busWithoutSigning() async throws {
        let directory = try TemporaryDirectory(prefix: "lienthong-bus-doctor")
        defer { directory.remove() }
        let file = try BusNode.writeConfiguration(in: directory, port: freeLoopbackPort(), signing: false)
        #expect(!(try String(contentsOf: file, encoding: .utf8)).contains("[signing]"))

        let result = try await runCommand(Paths.binary, ["doctor", "--config", file.path])
        #expect(result.status == 0, "a warning does not fail: \(result.stdout)\(result.stderr)")
        let warning = result.stdout.split(separator: "\n").first { $0.hasPrefix("warn signing: ") }
        #expect(warning?.contains("goes unsigned") == true, "\(result.stdout)")
        #expect(warning?.contains("fix: add a [signing] key") == true)
    }
}
