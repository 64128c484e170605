import Foundation
import Relay
import Store
import Testing
import TestSupport

@Suite("bus role: lienthong agency")
struct AgencyCommandTests {
    func agency(_ arguments: [String], store: URL, environment: [String: String] = [:]) async throws -> CommandResult {
        let actor = ["ls", "show"].contains(arguments.first) ? [] : ["--actor", "tester"]
        return try await runCommand(Paths.binary, ["agency"] + arguments + ["--store", store.path] + actor, environment: environment)
    }

    @Test("add, ls, show, suspend, activate and rm, each change in the operator-action log")
    func roundTrip() async throws {
        let directory = try TemporaryDirectory(prefix: "lienthong-agency")
        defer { directory.remove() }
        let store = directory.file("store")
        let certificate = try SharedPKI.file("tls-client-\(SharedPKI.a).pem")

        let added = try await agency(["add", SharedPKI.a, "--name", "Văn phòng Chính phủ", "--certificate", certificate.path,
                                "--systemid", "sys-g22", "--secret-env", "AGENCY_TEST_SECRET", "--reason", "onboarding"],
                               store: store, environment: ["AGENCY_TEST_SECRET": "s3cret"])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout.contains("added \(SharedPKI.a)"))
        let again = try await agency(["add", SharedPKI.a, "--name", "x", "--systemid", "other", "--secret-env", "AGENCY_TEST_SECRET"],
                               store: store, environment: ["AGENCY_TEST_SECRET": "s3cret"])
        #expect(again.status == 65)
        #expect(again.stderr.contains("agency.exists"))
        let noCredential = try await agency(["add", SharedPKI.b, "--name", "Nghệ An"], store: store)
        #expect(noCredential.status == 64, "an agency without a credential is a usage error: \(noCredential.stderr)")
        #expect(try await agency(["add", SharedPKI.b, "--name", "Nghệ An", "--certificate-sha256", String(repeating: "ab", count: 32),
                            "--push-endpoint", "https://gw.nghean.example:8444"], store: store).status == 0)

        let listed = try await agency(["ls", "--json"], store: store)
        let agencies = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(agencies.compactMap { $0["organId"] as? String } == [SharedPKI.a, SharedPKI.b])
        let first = try #require(agencies.first)
        #expect(first["certificateSHA256"] as? String == (try SharedPKI.get().pki.organizationTLSClients[0].certificate.fingerprintHex))
        #expect(first["hasSecret"] as? Bool == true)
        #expect(first["deliveryMode"] as? String == "poll")
        #expect(agencies.last?["deliveryMode"] as? String == "push")
        #expect(!listed.stdout.contains("s3cret"), "the secret is never printed")

        #expect(try await agency(["suspend", SharedPKI.a, "--reason", "certificate compromised"], store: store).status == 0)
        let shown = try await agency(["show", SharedPKI.a, "--json"], store: store)
        let object = try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any] ?? [:]
        #expect((object["agency"] as? [String: Any])?["state"] as? String == "suspended")
        let actions = (object["actions"] as? [[String: Any]] ?? []).compactMap { $0["action"] as? String }
        #expect(actions == ["agency.add", "agency.suspend"])
        #expect((object["actions"] as? [[String: Any]])?.allSatisfy { $0["actor"] as? String == "tester" } == true)
        #expect(try await agency(["activate", SharedPKI.a], store: store).status == 0)

        #expect(try await agency(["rm", SharedPKI.b, "--reason", "merged"], store: store).status == 0)
        let missing = try await agency(["rm", SharedPKI.b], store: store)
        #expect(missing.status == 65)
        #expect(missing.stderr.contains("agency.not_found"))
        let table = try await agency(["ls"], store: store)
        #expect(table.stdout.contains(SharedPKI.a) && !table.stdout.contains(SharedPKI.b))
    }

    @Test("an agency added with the CLI while the bus runs can call it at once")
    func addedWhileRunning() async throws {
        let bus = try await BusNode.start()
        defer { Task { await bus.stop() } }
        let newcomer = "000.00.00.H03"
        let result = try await agency(["add", newcomer, "--name", "Newcomer", "--systemid", "sys-h03", "--secret-env", "NEWCOMER_SECRET"],
                                store: bus.directory.file("store"), environment: ["NEWCOMER_SECRET": "newcomer-secret"])
        #expect(result.status == 0, "\(result.stderr)")
        let client = try bus.client(newcomer, certificate: false, hmacSecret: "newcomer-secret", systemId: "sys-h03")
        let unknownSystem = VDXPClient(transport: try CurlHTTPTransport(configuration: TransportConfiguration(tls: MutualTLS(
            trustedCA: .file(try SharedPKI.file("trust.pem").path)))),
            configuration: VDXPConfiguration(baseURL: bus.baseURL, credentials: VDXPCredentials(systemId: "sys-h03", secret: "wrong")))
        #expect(try await client.getAgenciesList().contains { $0["organId"] == newcomer })
        await #expect(throws: RelayFailure.self) { _ = try await unknownSystem.getAgenciesList() }
    }
}
