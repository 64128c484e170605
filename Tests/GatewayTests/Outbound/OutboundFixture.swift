import EdXML
import Foundation
import Gateway
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LibCrypto
import LibXML
import Store
import TestSupport
import XMLDSig

/// A real outbound side: an `SQLiteStore` in a temporary directory, the gateway signing with an
/// organisation key of a development PKI, the XSDs of the package, and the real `/v1` routes.
/// Two units: `office` may send as G22, `province` as H41. The directory goes with the fixture.
final class OutboundFixture: Sendable {
    static let office = (name: "office", token: "office-token-51d0", organId: "000.00.00.G22")
    static let province = (name: "province", token: "province-token-a7c2", organId: "000.00.00.H41")
    static let recipients = ["000.00.00.H43", "000.00.00.G01"]

    /// One PKI for the whole suite: RSA key generation is the slow part.
    static let pki = Result { try DevelopmentPKI.generate(organIds: [office.organId]) }

    let directory: TemporaryDirectory
    let store: SQLiteStore
    let service: GatewayOutboundService
    let configuration: GatewayConfiguration
    let verifier: SignatureVerifier
    let metrics = GatewayMetrics()

    init(xmlLimits: XMLParseLimits = .default, maxBody: String? = nil) throws {
        let pki = try Self.pki.get()
        directory = try TemporaryDirectory(prefix: "lienthong-outbound")
        store = try SQLiteStore(directory: directory.file("store"), options: StoreOptions(durability: .normal))
        let organization = pki.organizations[0]
        let signer = try EnvelopeSigner(identity: SigningIdentity(key: organization.key, certificate: organization.certificate))
        service = GatewayOutboundService(store: store, signer: signer, signal: nil, limits: xmlLimits,
                                         validator: try EdXMLValidator(schemaDirectory: Paths.packageRoot.appendingPathComponent("schemas")))
        var text = ConfigurationText()
        text.organIds = [Self.office.organId, Self.province.organId]
        text.units = [(Self.office.name, UnitAuthenticator.tokenHashHex(Self.office.token), [Self.office.organId]),
                      (Self.province.name, UnitAuthenticator.tokenHashHex(Self.province.token), [Self.province.organId])]
        text.maxBody = maxBody
        configuration = try GatewayConfiguration.parse(text.text, file: directory.file("gateway.toml"))
        verifier = SignatureVerifier(trust: try TrustStore(anchors: [pki.root.certificate], crls: [pki.crl]))
    }

    deinit { directory.remove() }

    func withAPI(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        var services = GatewayServices(outbound: service)
        services.metrics = metrics
        let app = Application(router: GatewayRouters.unitAPI(configuration: configuration, services: services))
        try await app.test(.router, body)
    }

    /// Every message in the store, oldest first.
    func messages() async throws -> [OutboundMessage] {
        try await store.list(MessageFilter(limit: 1000))
    }

    static func headers(_ token: String, contentType: String, key: String? = nil) -> HTTPFields {
        var fields: HTTPFields = [.authorization: "Bearer \(token)", .contentType: contentType]
        if let key { fields[HTTPField.Name("Idempotency-Key")!] = key }
        return fields
    }

    /// The unit API's document JSON, attachments as base64.
    static func documentJSON(from: String = office.organId, to: [String] = recipients, number: String = "125",
                             attachments: [(name: String, bytes: Data)] = [("van-ban.pdf", Data("%PDF-1.4 công văn".utf8))]) -> Data {
        let object: [String: Any] = [
            "from": ["organId": from, "organName": "Văn phòng Chính phủ"],
            "to": to.map { ["organId": $0, "organName": "Đơn vị \($0)"] },
            "code": ["number": number, "notation": "VPCP-TTĐT"],
            "promulgation": ["place": "Hà Nội", "date": "2026/11/25"],
            "type": ["type": 1, "name": "Công văn"],
            "subject": "V/v thử nghiệm liên thông \(number)",
            "attachments": attachments.map { ["name": $0.name, "content": $0.bytes.base64EncodedString(), "description": "tệp \($0.name)"] },
        ]
        return try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    /// A ready, unsigned envelope as a unit's own software would write it.
    static func edxml(from: String = office.organId, to: [String] = recipients, documentId: String? = nil,
                      withSendersHop: Bool = false) throws -> Data {
        var spec = try DocumentBuilder.decode(json: documentJSON(from: from, to: to, attachments: []))
        spec.documentId = documentId
        var document = try DocumentBuilder().build(spec)
        if !withSendersHop { document.traceList = TraceHeaderList() }
        if documentId == nil { document.header.documentId = nil }
        return try EdXMLWriter().data(for: .document(document))
    }

    static func decode<T: Decodable>(_ type: T.Type, _ response: TestResponse) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(T.self, from: Data(buffer: response.body))
    }
}
