import EdXML
import Foundation
import Gateway
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LibCrypto
import Store
import Synchronization
import TestSupport

/// A store seeded with messages in several states, two accounts, and a console over it whose
/// clock the test moves.
final class ConsoleFixture: Sendable {
    static let subject = "Về việc triển khai liên thông văn bản điện tử giữa các cơ quan"
    static let password = "mật-khẩu-đủ-dài-2026"
    /// Cheap scrypt parameters keep the suite fast; the format carries them, so verify works the same.
    static let cheap = PasswordHash.Parameters(n: 1 << 10, r: 8, p: 1)

    let directory: TemporaryDirectory
    let store: SQLiteStore
    let clock = Shared(Date())
    let pauses = Shared<[Duration]>([])
    let surface: OperatorSurface
    /// Message ids by role in the seed: `waiting` (retry_wait after a 503), `dead`, `queued`.
    let ids: [String: String]

    init(secureCookies: Bool = false) async throws {
        directory = try TemporaryDirectory(prefix: "console")
        store = try SQLiteStore(directory: directory.url, options: StoreOptions(durability: .normal))
        ids = try await Self.seed(store, in: directory)
        for (name, role) in [("an", OperatorRole.operator), ("binh", .readOnly)] {
            try await store.addOperator(OperatorAccount(name: name, role: role,
                                                        passwordHash: PasswordHash.make(Self.password, parameters: Self.cheap),
                                                        createdAt: Date()))
        }
        let clock = self.clock, pauses = self.pauses
        surface = try OperatorSurface(store: store, certificates: StaticCertificates([
            CertificateExpiry(name: "signing", notAfter: Date().addingTimeInterval(40 * 86400)),
        ]), sessionLifetime: .seconds(600), secureCookies: secureCookies, now: { clock.withLock { $0 } },
           pause: { delay in pauses.withLock { $0.append(delay) } })
    }

    deinit { directory.remove() }

    func advance(_ seconds: TimeInterval) { clock.withLock { $0 = $0.addingTimeInterval(seconds) } }

    func test(_ body: @escaping @Sendable (Browser) async throws -> Void) async throws {
        let router = Router()
        surface.register(on: router)
        try await Application(router: router).test(.router) { client in try await body(Browser(client: client)) }
    }

    /// One real edXML envelope per message, built by EdXML with a Vietnamese attachment name.
    static func envelope(documentNumber: String, subject: String, in directory: TemporaryDirectory) throws -> (id: String, data: Data) {
        try Data("Nội dung công văn số \(documentNumber)".utf8).write(to: directory.file("cong-van.pdf"))
        let json = """
        {"from": {"organId": "000.00.00.H41", "organName": "UBND Tỉnh Nghệ An"},
         "to": [{"organId": "000.00.00.G22", "organName": "Văn phòng Chính phủ"}],
         "code": {"number": "\(documentNumber)", "notation": "UBND-VX"},
         "promulgation": {"place": "Vinh", "date": "2026/11/20"},
         "type": {"type": 1, "name": "Công văn"},
         "signer": {"fullName": "Nguyễn Văn Ánh", "position": "Chủ tịch"},
         "subject": "\(subject)",
         "attachments": [{"file": "cong-van.pdf", "name": "Công văn số \(documentNumber).pdf"}]}
        """
        let document = try DocumentBuilder().build(try DocumentBuilder.decode(json: Data(json.utf8)), baseDirectory: directory.url)
        return (document.header.documentId ?? documentNumber, try EdXMLWriter().data(for: .document(document)))
    }

    static func seed(_ store: SQLiteStore, in directory: TemporaryDirectory) async throws -> [String: String] {
        var ids: [String: String] = [:]
        for (role, number, destination, subject) in [("waiting", "101", "000.00.00.G22", Self.subject),
                                                      ("dead", "102", "000.00.00.H14", "Báo cáo tình hình kinh tế - xã hội"),
                                                      ("queued", "103", "000.00.00.G22", "Giấy mời họp")] {
            let envelope = try envelope(documentNumber: number, subject: subject, in: directory)
            let receipt = try await store.enqueue(OutboundSubmission(documentID: envelope.id, from: "000.00.00.H41", to: [destination],
                                                                     subject: subject, envelope: envelope.data))
            ids[role] = receipt.messages[0].messageID
        }
        // One failed attempt leaves "waiting" in retry_wait; "dead" is refused permanently.
        for claim in try await store.claim(worker: "worker-1", limit: 2, leaseDuration: .seconds(30)) {
            if claim.message.id == ids["waiting"] {
                try await store.complete(claim.lease, result: .failed(.http(status: 503, retryAfter: nil, detail: "bus busy")),
                                         duration: .milliseconds(120))
            } else if claim.message.id == ids["dead"] {
                try await store.complete(claim.lease, result: .failed(.refused(reasonCode: "bus.unknown_recipient",
                                                                               explanation: "không có cơ quan nhận")),
                                         duration: .milliseconds(80))
            }
        }
        return ids
    }
}

/// A value shared between the test and the console's closures.
final class Shared<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<T>(_ body: (inout Value) -> T) -> T { mutex.withLock { body(&$0) } }
}

/// Drives the console as a browser would: keeps cookies, reads hidden CSRF fields, posts forms.
final class Browser: Sendable {
    let client: any TestClientProtocol
    let cookies = Shared<[String: String]>([:])

    init(client: any TestClientProtocol) { self.client = client }

    struct Page: Sendable {
        var status: HTTPResponse.Status
        var html: String
        var location: String?
        var headers: HTTPFields
        var csrf: String? {
            guard let range = html.range(of: "name=\"csrf\" value=\"") else { return nil }
            return String(html[range.upperBound...].prefix { $0 != "\"" })
        }
    }

    func get(_ uri: String) async throws -> Page { try await send(uri, method: .get, body: nil) }

    func post(_ uri: String, _ form: [(String, String)]) async throws -> Page {
        let body = form.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        return try await send(uri, method: .post, body: body)
    }

    func signIn(_ name: String, _ password: String = ConsoleFixture.password) async throws -> Page {
        let form = try await get("/console/signin")
        return try await post("/console/signin", [("csrf", form.csrf ?? ""), ("username", name), ("password", password)])
    }

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }

    private func send(_ uri: String, method: HTTPRequest.Method, body: String?) async throws -> Page {
        var headers: HTTPFields = [:]
        let cookieHeader = cookies.withLock { $0.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        if !cookieHeader.isEmpty { headers[.cookie] = cookieHeader }
        if body != nil { headers[.contentType] = "application/x-www-form-urlencoded" }
        let response = try await client.execute(uri: uri, method: method, headers: headers,
                                                body: body.map { ByteBuffer(string: $0) })
        for header in response.headers[values: .setCookie] {
            let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let value = pair.count > 1 ? String(pair[1]) : ""
            cookies.withLock { $0[String(pair[0])] = value.isEmpty || header.contains("Max-Age=0") ? nil : value }
        }
        return Page(status: response.status, html: String(buffer: response.body), location: response.headers[.location],
                    headers: response.headers)
    }
}
