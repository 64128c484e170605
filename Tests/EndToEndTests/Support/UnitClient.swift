import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore

/// A unit server talking to its gateway's `/v1` API with its bearer token. Answers are decoded
/// loosely (`[String: Any]`) so a test states only the fields it depends on.
struct UnitClient: Sendable {
    let host: String
    let port: Int
    let token: String
    let organId: String

    init(_ gateway: ReadyLine.Gateway) {
        let url = URL(string: gateway.api)!
        host = url.host ?? "127.0.0.1"
        port = url.port ?? 80
        token = gateway.token
        organId = gateway.organId
    }

    struct Answer: @unchecked Sendable {
        let status: Int
        let body: [UInt8]
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    func call(_ method: HTTPRequest.Method, _ path: String, contentType: String? = nil, body: [UInt8] = [],
              headers extra: HTTPFields = [:]) async throws -> Answer {
        var headers = extra
        headers[.authorization] = "Bearer \(token)"
        if let contentType { headers[.contentType] = contentType }
        let request = TestClient.Request(path, method: method, headers: headers, body: body.isEmpty ? nil : ByteBuffer(bytes: body))
        let response = try await TestClient.withClient(host: host, port: port, configuration: .init(timeout: .seconds(30))) { client in
            try await client.execute(request)
        }
        return Answer(status: Int(response.status.code), body: response.body.map { Array(buffer: $0) } ?? [])
    }

    /// `POST /v1/documents` as multipart: the build JSON in a `document` part, then the files.
    func send(_ document: [String: Any], files: [(name: String, contentType: String, bytes: [UInt8])]) async throws -> Answer {
        let boundary = "lienthong-e2e-\(UInt64.random(in: 0...UInt64.max))"
        var body: [UInt8] = []
        func append(_ text: String) { body += Array(text.utf8) }
        append("--\(boundary)\r\nContent-Disposition: form-data; name=\"document\"\r\nContent-Type: application/json\r\n\r\n")
        body += Array(try JSONSerialization.data(withJSONObject: document))
        append("\r\n")
        for file in files {
            append("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(file.name)\"\r\nContent-Type: \(file.contentType)\r\n\r\n")
            body += file.bytes
            append("\r\n")
        }
        append("--\(boundary)--\r\n")
        return try await call(.post, "/v1/documents", contentType: "multipart/form-data; boundary=\(boundary)", body: body)
    }

    /// Every inbox item not yet acknowledged, following the cursor (bounded: 100 pages).
    func inbox(limit: Int = 100) async throws -> [[String: Any]] {
        var items: [[String: Any]] = []
        var cursor: String?
        for _ in 0..<100 {
            let path = "/v1/inbox?limit=\(limit)" + (cursor.map { "&cursor=\($0)" } ?? "")
            let page = try await call(.get, path).json
            items += page["items"] as? [[String: Any]] ?? []
            guard let next = page["next"] as? String else { break }
            cursor = next
        }
        return items
    }
}

/// A build-JSON document from one agency to others, numbered so each is distinct.
func document(number: Int, from: String, to: [String], subject: String = "Văn bản thử nghiệm liên thông") -> [String: Any] {
    [
        "from": ["organId": from, "organName": "Cơ quan \(from)"],
        "to": to.map { ["organId": $0, "organName": "Cơ quan \($0)"] },
        "code": ["number": "\(number)", "notation": "E2E-VP"],
        "promulgation": ["place": "Hà Nội", "date": "2026/11/25"],
        "type": ["type": 1, "name": "Công văn"],
        "subject": "\(subject) số \(number)",
        "content": "Nội dung văn bản số \(number).",
    ]
}
