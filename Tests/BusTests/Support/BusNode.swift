import EdXML
import Foundation
import Gateway
import LibCrypto
import Logging
import Relay
import Store
import TestSupport
import XMLDSig

/// One development PKI for the whole test run (RSA key generation is the slow part), written to
/// a directory the configurations point at.
enum SharedPKI {
    static let a = "000.00.00.G22"
    static let b = "000.00.00.H41"
    static let pushAgency = "000.00.00.H01"
    static let suspendedAgency = "000.00.00.H02"

    static let loaded: Result<(pki: DevelopmentPKI, directory: URL), BusTestFailure> = Result {
        let directory = try TemporaryDirectory.forTheRun(prefix: "lienthong-bus-pki").url
        // The push agency signs too: the statuses it answers pushes with.
        let pki = try DevelopmentPKI.generate(organIds: [a, b, pushAgency])
        try pki.write(to: directory)
        return (pki, directory)
    }.mapError { BusTestFailure("the development PKI could not be made: \($0)") }

    static func get() throws -> (pki: DevelopmentPKI, directory: URL) { try loaded.get() }

    static func file(_ name: String) throws -> URL { try get().directory.appendingPathComponent(name) }

    static func signer(_ organId: String) throws -> EnvelopeSigner {
        guard let party = try get().pki.organizations.first(where: { $0.name == "org-\(organId)" }) else {
            throw BusTestFailure("no signing identity for \(organId)")
        }
        return try EnvelopeSigner(identity: SigningIdentity(key: party.key, certificate: party.certificate))
    }

    static var verifier: SignatureVerifier {
        get throws {
            let pki = try get().pki
            return SignatureVerifier(trust: try TrustStore(anchors: [pki.root.certificate], crls: [pki.crl]))
        }
    }
}

/// A bus (`role = "bus"`) running in this process with its real listeners: the VDXP API over TLS
/// on a free loopback port (client certificates optional, checked against the development CA),
/// agencies from its configuration, its delivery worker pushing over mutual TLS.
final class BusNode: Sendable {
    static let secrets = [SharedPKI.a: "secret-of-g22", SharedPKI.b: "secret-of-h41", SharedPKI.pushAgency: "secret-of-h01",
                          SharedPKI.suspendedAgency: "secret-of-h02"]
    static let systemIds = [SharedPKI.a: "sys-g22", SharedPKI.b: "sys-h41", SharedPKI.pushAgency: "sys-h01",
                            SharedPKI.suspendedAgency: "sys-h02"]

    let directory: TemporaryDirectory
    let port: Int
    private let node: RunningNode

    var baseURL: String { "https://127.0.0.1:\(port)/vdxp" }
    var parts: GatewayParts { node.parts }
    var store: SQLiteStore { node.store }

    private init(directory: TemporaryDirectory, port: Int, node: RunningNode) {
        self.directory = directory
        self.port = port
        self.node = node
    }

    /// The bus's configuration (and its agencies' secret files) in `directory`.
    static func writeConfiguration(in directory: TemporaryDirectory, port: Int, pushEndpoint: String = "https://127.0.0.1:9",
                                   hmacWindow: String = "2m", signing: Bool = true) throws -> URL {
        let pki = try SharedPKI.get().directory.path
        var agencies = ""
        for organId in [SharedPKI.a, SharedPKI.b, SharedPKI.pushAgency, SharedPKI.suspendedAgency] {
            try Data((secrets[organId] ?? "").utf8).write(to: directory.file("\(organId).secret"))
            let certificate = [SharedPKI.a, SharedPKI.b].contains(organId)
                ? "certificate_file = \"\(pki)/tls-client-\(organId).pem\"\n" : ""
            agencies += """

                [[agencies]]
                organ_id = "\(organId)"
                name = "Test agency \(organId)"
                \(certificate)systemid = "\(systemIds[organId] ?? "")"
                secret_file = "\(organId).secret"
                \(organId == SharedPKI.pushAgency ? "push_endpoint = \"\(pushEndpoint)\"" : "")
                \(organId == SharedPKI.suspendedAgency ? "state = \"suspended\"" : "")

                """
        }
        let text = """
            [gateway]
            role = "bus"
            organ_ids = ["\(DevelopmentPKI.busOrganId)"]
            \(signing ? "\n[signing]\nkey_file = \"\(pki)/bus.key\"\ncertificate_file = \"\(pki)/bus.pem\"\n" : "")
            [trust]
            anchors = ["\(pki)/trust.pem"]
            crls = ["\(pki)/crl.pem"]

            [signature]
            policy = "require"

            [store]
            directory = "store"

            [retry]
            base = "200ms"
            cap = "1s"

            [listeners.unit_api]
            port = \(freeLoopbackPort())

            [listeners.bus_api]
            address = "127.0.0.1"
            port = \(port)

            [listeners.bus_api.tls]
            certificate_file = "\(pki)/tls-server.pem"
            key_file = "\(pki)/tls-server.key"
            client_ca_file = "\(pki)/trust.pem"
            client_certificates = "optional"

            [bus_api]
            hmac_window = "\(hmacWindow)"

            [push]
            ca_file = "\(pki)/trust.pem"
            client_certificate_file = "\(pki)/tls-client.pem"
            client_key_file = "\(pki)/tls-client.key"
            \(agencies)
            """
        let file = directory.file("bus.toml")
        try Data(text.utf8).write(to: file)
        return file
    }

    /// Starts a bus; a port taken between choosing it and binding it (tests run in parallel) is
    /// retried with new ports, three times at most.
    static func start(pushEndpoint: String = "https://127.0.0.1:9", hmacWindow: String = "2m") async throws -> BusNode {
        var lastError: any Error = BusTestFailure("the bus did not start")
        for _ in 0..<3 {
            do {
                return try await startOnce(pushEndpoint: pushEndpoint, hmacWindow: hmacWindow)
            } catch {
                lastError = error
            }
        }
        throw lastError
    }

    private static func startOnce(pushEndpoint: String, hmacWindow: String) async throws -> BusNode {
        let directory = try TemporaryDirectory(prefix: "lienthong-bus").removedAtExitAtLatest()
        let port = freeLoopbackPort()
        let file = try writeConfiguration(in: directory, port: port, pushEndpoint: pushEndpoint, hmacWindow: hmacWindow)
        let configuration = try GatewayConfiguration.load(contentsOf: file)
        var logger = Logger(label: "bus-test")
        logger.logLevel = ProcessInfo.processInfo.environment["BUS_TEST_LOG"] == nil ? .critical : .debug
        do {
            return BusNode(directory: directory, port: port, node: try await RunningNode.start(configuration, logger: logger))
        } catch {
            directory.remove()
            throw BusTestFailure("the bus did not start listening: \(error)")
        }
    }

    func stop() async {
        await node.stop()
        directory.remove()
    }

    /// This bus stopped and started again on the same directory and port, as after a restart.
    func restarted() async throws -> BusNode {
        await node.stop()
        let configuration = try GatewayConfiguration.load(contentsOf: directory.file("bus.toml"))
        var logger = Logger(label: "bus-test")
        logger.logLevel = .critical
        return BusNode(directory: directory, port: port, node: try await RunningNode.start(configuration, logger: logger))
    }

    /// A VDXP client of `organId` as a gateway configures it: the bus CA pinned, its TLS client
    /// certificate and/or its HMAC credentials.
    func client(_ organId: String, certificate: Bool, hmacSecret: String? = nil, systemId: String? = nil,
                clock: (@Sendable () -> Date)? = nil) throws -> VDXPClient {
        let pki = try SharedPKI.get().directory
        let tls = MutualTLS(trustedCA: .file(pki.appendingPathComponent("trust.pem").path),
                            clientCertificate: certificate ? .file(pki.appendingPathComponent("tls-client-\(organId).pem").path) : nil,
                            clientKey: certificate ? .file(pki.appendingPathComponent("tls-client-\(organId).key").path) : nil)
        let credentials = hmacSecret.map { VDXPCredentials(systemId: systemId ?? Self.systemIds[organId] ?? "", secret: $0) }
        return VDXPClient(transport: try CurlHTTPTransport(configuration: TransportConfiguration(tls: tls)),
                          configuration: VDXPConfiguration(baseURL: baseURL, credentials: credentials, now: clock ?? { Date() }))
    }

    /// `client` with the agency's registered HMAC secret.
    func hmacClient(_ organId: String, certificate: Bool = false, clock: (@Sendable () -> Date)? = nil) throws -> VDXPClient {
        try client(organId, certificate: certificate, hmacSecret: Self.secrets[organId], clock: clock)
    }
}

/// Documents and statuses as agencies send them.
enum Envelopes {
    static func document(from: String, to: [String], number: Int, signed: Bool = true) throws -> [UInt8] {
        let header = DocumentHeader(
            from: Organization(organId: OrganId(from), organName: "Agency \(from)"),
            to: to.map { Organization(organId: OrganId($0), organName: "Agency \($0)") },
            documentId: "\(from),2026/11/25,\(number)/BUS-TEST",
            code: DocumentCode(number: "\(number)", notation: "BUS-TEST"),
            promulgation: PromulgationInfo(place: "Hà Nội", date: DateText("2026/11/25")),
            documentType: DocumentType(type: "1", typeName: "Công văn"),
            subject: "Bus routing test \(number)")
        let document = EdXMLDocument(header: header, traceList: TraceHeaderList().appending(organId: OrganId(from), at: Date()))
        let bytes = Array(try EdXMLWriter().data(for: .document(document)))
        return signed ? try SharedPKI.signer(from).sign(bytes) : bytes
    }

    /// `documentId`: what the status's ResponseFor says; by default the document's own, nil to
    /// name it only by its code and date.
    static func status(_ code: StatusCode, from: String, about documentNumber: Int, of sender: String,
                       documentId: String?? = .none) throws -> [UInt8] {
        let directory = try TemporaryDirectory(prefix: "lienthong-status")
        defer { directory.remove() }
        let store = try SQLiteStore(directory: directory.url)
        return try StatusSender(store: store, signer: try SharedPKI.signer(from), signal: nil).envelope(for: .init(
            code: code, description: "Đã tiếp nhận", from: OrganId(from), to: OrganId(sender),
            about: ResponseFor(organId: OrganId(sender), code: "\(documentNumber)/BUS-TEST", promulgationDate: DateText("2026/11/25"),
                               documentId: documentId ?? "\(sender),2026/11/25,\(documentNumber)/BUS-TEST")))
    }
}

/// Polls (bounded: `attempts` × 100 ms) until `condition` holds; returns the last value seen.
func eventually<T: Sendable>(attempts: Int = 100, _ probe: () async throws -> T, until condition: (T) -> Bool) async throws -> T {
    var value = try await probe()
    for _ in 0..<attempts where !condition(value) {
        try await Task.sleep(for: .milliseconds(100))
        value = try await probe()
    }
    return value
}
