import Foundation
import Relay
import Testing
import TestSupport

/// What an attacker or a broken gateway sends to `sendEdoc` is refused with its reason code and
/// nothing is queued.
@Suite("bus role: hostile input")
struct HostileInputTests {
    static func transport() throws -> CurlHTTPTransport {
        try CurlHTTPTransport(configuration: TransportConfiguration(tls: MutualTLS(
            trustedCA: .file(try SharedPKI.file("trust.pem").path),
            clientCertificate: .file(try SharedPKI.file("tls-client-\(SharedPKI.a).pem").path),
            clientKey: .file(try SharedPKI.file("tls-client-\(SharedPKI.a).key").path))))
    }

    static func send(_ body: HTTPRequestBody, to bus: BusNode, hash: String, contentType: String? = nil) async throws -> [String: Any] {
        var headers = [HTTPField("from", SharedPKI.a), HTTPField("to", #"["\#(SharedPKI.b)"]"#),
                       HTTPField("messagetype", "edoc"), HTTPField("hash-file", hash)]
        if let contentType { headers.append(HTTPField("Content-Type", contentType)) }
        let response = try await transport().send(HTTPRequest(url: "\(bus.baseURL)/sendEdoc", headers: headers, body: body))
        #expect(response.status == 200)
        return try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] ?? [:]
    }

    @Test("every hostile envelope is refused with its reason code and nothing is queued")
    func hostileEnvelopes() async throws {
        let bus = try await BusNode.start()
        defer { Task { await bus.stop() } }
        for input in HostileInput.allCases {
            let bytes = Array(input.bytes)
            let reply = try await Self.send(.multipart([FormPart(name: "file_doc", data: bytes, fileName: "x.edxml",
                                                                 contentType: "application/xml")]),
                                            to: bus, hash: SHA256Hex.of(bytes))
            #expect(reply["status"] as? String == "FAIL", "\(input)")
            let expected = input == .empty ? "bus.file_missing" : input.expectedReasonCode
            #expect(reply["ErrorCode"] as? String == expected, "\(input): \(reply)")
        }
        #expect(try await bus.store.sentDocuments(of: SharedPKI.a, limit: 10).isEmpty, "nothing was queued")
    }

    @Test("a body that is not the multipart form, or has no file_doc, is refused")
    func malformedForms() async throws {
        let bus = try await BusNode.start()
        defer { Task { await bus.stop() } }
        let envelope = try Envelopes.document(from: SharedPKI.a, to: [SharedPKI.b], number: 20)
        let raw = try await Self.send(.bytes(envelope), to: bus, hash: SHA256Hex.of(envelope), contentType: "application/xml")
        #expect(raw["ErrorCode"] as? String == "bus.body_invalid")
        let unclosed = Array("--b\r\nContent-Disposition: form-data; name=\"file_doc\"\r\n\r\n<edXML/>".utf8)
        let broken = try await Self.send(.bytes(unclosed), to: bus, hash: SHA256Hex.of(envelope),
                                         contentType: "multipart/form-data; boundary=b")
        #expect(broken["ErrorCode"] as? String == "bus.body_invalid")
        let otherPart = try await Self.send(.multipart([FormPart(name: "attachment", data: envelope)]), to: bus,
                                            hash: SHA256Hex.of(envelope))
        #expect(otherPart["ErrorCode"] as? String == "bus.file_missing")
        #expect(try await bus.store.sentDocuments(of: SharedPKI.a, limit: 10).isEmpty)
    }
}

enum SHA256Hex {
    static func of(_ bytes: [UInt8]) -> String {
        // Computed with the openssl command line, independently of the code under test.
        let result = try? runCommand(URL(fileURLWithPath: "/usr/bin/openssl"), ["dgst", "-sha256", "-r"], stdin: Data(bytes))
        return String(result?.stdout.prefix(64) ?? "")
    }
}
