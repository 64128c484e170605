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

    @Test("200 seeded mutations of a signed document: each routed or refused with a reason code, never an internal error")
    func mutatedEnvelopes() async throws {
        let bus = try await BusNode.start()
        defer { Task { await bus.stop() } }
        let original = try Envelopes.document(from: SharedPKI.a, to: [SharedPKI.b], number: 21)
        var random = SeededGenerator(seed: 0x5EED_0B05)
        var routed: Set<String> = []
        let deadline = ContinuousClock.now + .seconds(60)
        for round in 0..<200 where ContinuousClock.now < deadline {
            let (mutated, mutation) = EnvelopeMutation.apply(to: original, using: &random)
            let reply = try await Self.send(.multipart([FormPart(name: "file_doc", data: mutated, fileName: "x.edxml",
                                                                 contentType: "application/xml")]),
                                            to: bus, hash: SHA256Hex.of(mutated))
            switch reply["status"] as? String {
            case "OK":
                let docId = try #require(reply["DocId"] as? String, "round \(round), \(mutation): \(reply)")
                routed.insert(docId)
            case "FAIL":
                let code = reply["ErrorCode"] as? String ?? ""
                #expect(code.wholeMatch(of: /[a-z0-9_]+\.[a-z0-9_]+/) != nil && !code.hasPrefix("internal."),
                        "round \(round), \(mutation): \(reply)")
            default:
                Issue.record("round \(round), \(mutation): \(reply)")
            }
        }
        // Only what was answered OK is queued, each once.
        let sent = try await bus.store.sentDocuments(of: SharedPKI.a, limit: 1000)
        #expect(Set(sent.map(\.submissionID)) == routed, "\(sent.map(\.submissionID)) against \(routed)")
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
