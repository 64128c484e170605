import EdXML
import Foundation
import Gateway
import Logging
import Store
import XMLDSig

/// A bus for `bench bus`, in this process: a development PKI, a configuration with two agencies
/// (the sender by TLS certificate and HMAC, the recipient polling), its real listener, store and
/// delivery worker.
struct BenchBusNode {
    static let sender = "000.00.00.G22"
    static let recipient = "000.00.00.H41"
    static let hmacSecret = "bench-hmac-secret"

    let directory: URL
    let pki: DevelopmentPKI
    let port: Int
    let node: RunningNode
    var parts: GatewayParts { node.parts }

    var baseURL: String { "https://127.0.0.1:\(port)/vdxp" }
    func pkiFile(_ name: String) -> String { directory.appendingPathComponent("pki/\(name)").path }

    static func start(port: Int) async throws -> BenchBusNode {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-bench-bus-\(UUID().uuidString)")
        let pki = try DevelopmentPKI.generate(organIds: [sender, recipient])
        try pki.write(to: directory.appendingPathComponent("pki"))
        try Data(hmacSecret.utf8).write(to: directory.appendingPathComponent("sender.secret"))
        let text = """
            [gateway]
            role = "bus"
            organ_ids = ["\(DevelopmentPKI.busOrganId)"]
            [signing]
            key_file = "pki/bus.key"
            certificate_file = "pki/bus.pem"
            [trust]
            anchors = ["pki/trust.pem"]
            crls = ["pki/crl.pem"]
            [signature]
            policy = "require"
            [store]
            directory = "store"
            [listeners.unit_api]
            port = \(port + 1)
            [listeners.bus_api]
            port = \(port)
            [listeners.bus_api.tls]
            certificate_file = "pki/tls-server.pem"
            key_file = "pki/tls-server.key"
            client_ca_file = "pki/trust.pem"
            client_certificates = "optional"
            [[agencies]]
            organ_id = "\(sender)"
            name = "sender"
            certificate_file = "pki/tls-client-\(sender).pem"
            systemid = "bench-sender"
            secret_file = "sender.secret"
            [[agencies]]
            organ_id = "\(recipient)"
            name = "recipient"
            certificate_file = "pki/tls-client-\(recipient).pem"
            """
        let file = directory.appendingPathComponent("bus.toml")
        try Data(text.utf8).write(to: file)
        let configuration = try GatewayConfiguration.load(contentsOf: file)
        var logger = Logger(label: "bench-bus")
        logger.logLevel = .critical
        let node: RunningNode
        do {
            node = try await RunningNode.start(configuration, logger: logger)
        } catch {
            throw CommandFailure.unavailable("daemon.failed", "the bench bus did not start listening: \(error)")
        }
        return BenchBusNode(directory: directory, pki: pki, port: port, node: node)
    }

    /// `count` different documents from the sender to the recipient, signed (outside any measurement).
    func documents(_ count: Int, numberedFrom first: Int = 0, bodyBytes: Int) throws -> [[UInt8]] {
        guard let party = pki.organizations.first(where: { $0.name == "org-\(Self.sender)" }) else { return [] }
        let signer = try EnvelopeSigner(identity: SigningIdentity(key: party.key, certificate: party.certificate))
        let content = String(repeating: "Nội dung văn bản. ", count: max(1, bodyBytes / 20))
        return try (first..<(first + count)).map { number in
            let header = DocumentHeader(
                from: Organization(organId: OrganId(Self.sender), organName: "Sender"),
                to: [Organization(organId: OrganId(Self.recipient), organName: "Recipient")],
                documentId: "\(Self.sender),2026/11/25,\(number)/BENCH", code: DocumentCode(number: "\(number)", notation: "BENCH"),
                promulgation: PromulgationInfo(place: "Hà Nội", date: DateText("2026/11/25")),
                documentType: DocumentType(type: "1", typeName: "Công văn"), subject: "Bench \(number)", content: content)
            let document = EdXMLDocument(header: header, traceList: TraceHeaderList().appending(organId: OrganId(Self.sender), at: Date()))
            return try signer.signedEnvelope(.document(document))
        }
    }

    func stop() async {
        await node.stop()
        try? FileManager.default.removeItem(at: directory)
    }
}
