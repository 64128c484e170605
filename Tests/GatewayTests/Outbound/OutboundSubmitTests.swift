import EdXML
import Foundation
import Gateway
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LibCrypto
import LibXML
import Store
import Synchronization
import Testing
import TestSupport
import XMLDSig

@Suite("POST /v1/documents: a unit's document is checked, completed, signed and queued")
struct OutboundSubmitTests {
    typealias F = OutboundFixture

    /// Each stored envelope verifies against the PKI's root, carries the gateway's TraceHeader last,
    /// and goes to exactly the recipients, one message each.
    func expectStoredSigned(_ fixture: OutboundFixture, receipt: OutboundReceipt,
                            recipients: [String] = F.recipients) async throws -> [EdXMLDocument] {
        let messages = try await fixture.messages()
        #expect(messages.map(\.destination).sorted() == recipients.sorted())
        #expect(Set(messages.map(\.submissionID)) == [receipt.id])
        var documents: [EdXMLDocument] = []
        for message in messages {
            #expect(message.kind == "edoc")
            #expect(message.documentID == receipt.documentId)
            #expect(message.from == F.office.organId)
            let envelope = try await fixture.store.envelope(ofMessage: message.id)
            let verdict = fixture.verifier.verify(Array(envelope))
            #expect(verdict.outcome == .valid, "\(verdict.diagnostics)")
            let read = try EdXMLReader(payloads: MemoryPayloadStore()).read(envelope)
            let document = try #require(read.message.document)
            #expect(document.traceList.traces.last?.organId?.text == F.office.organId)
            #expect(read.errors.isEmpty, "\(read.errors)")
            documents.append(document)
        }
        return documents
    }

    @Test("JSON with a base64 attachment: 202 with id and documentId, stored signed, one message per recipient")
    func json() async throws {
        let fixture = try OutboundFixture()
        let attachment = Data("%PDF-1.4 nội dung công văn".utf8)
        try await fixture.withAPI { client in
            let response = try await client.execute(uri: "/v1/documents", method: .post,
                                                    headers: F.headers(F.office.token, contentType: "application/json"),
                                                    body: ByteBuffer(data: F.documentJSON(attachments: [("van-ban.pdf", attachment)])))
            #expect(response.status == .accepted)
            let receipt = try F.decode(OutboundReceipt.self, response)
            #expect(receipt.documentId == "\(F.office.organId),2026/11/25,125/VPCP-TTĐT")
            let documents = try await expectStoredSigned(fixture, receipt: receipt)
            let document = try #require(documents.first)
            #expect(document.attachments.map(\.attachmentName) == ["van-ban.pdf"])
            #expect(document.attachments.first?.contentType == "application/pdf")
            #expect(document.attachments.first?.payload.sha256 == SHA256Hex.of(attachment))
            #expect(document.manifest?.references.first?.description == "tệp van-ban.pdf")
        }
    }

    @Test("each accepted submission's wait for its 202 is in the metrics; a refused one is not")
    func submissionDurationsAreMeasured() async throws {
        let fixture = try OutboundFixture()
        try await fixture.withAPI { client in
            let accepted = try await client.execute(uri: "/v1/documents", method: .post,
                                                    headers: F.headers(F.office.token, contentType: "application/json"),
                                                    body: ByteBuffer(data: F.documentJSON(attachments: [])))
            #expect(accepted.status == .accepted)
            let refused = try await client.execute(uri: "/v1/documents", method: .post,
                                                   headers: F.headers(F.office.token, contentType: "application/json"),
                                                   body: ByteBuffer(string: "{\"from\": 1}"))
            #expect(refused.status.code >= 400)
        }
        let samples = try PrometheusText.samples(fixture.metrics.registry.emitToString())
        #expect(samples["lienthong_unit_submission_duration_seconds_count"] == 1)
        #expect((samples["lienthong_unit_submission_duration_seconds_sum"] ?? 0) > 0)
        #expect(samples["lienthong_unit_submission_duration_seconds_bucket{le=\"10.0\"}"] == 1)
        #expect(samples.keys.contains("lienthong_unit_submission_duration_seconds_bucket{le=\"0.001\"}"))
    }

    @Test("JSON numbers and booleans keep their meaning on their way to the builder")
    func jsonScalars() async throws {
        let fixture = try OutboundFixture()
        var spec = try #require(try JSONSerialization.jsonObject(with: F.documentJSON(attachments: [])) as? [String: Any])
        spec["priority"] = 2
        spec["steeringType"] = 0
        spec["otherInfo"] = ["direction": false, "pageAmount": 3, "appendixes": ["Phụ lục 1"]]
        spec["business"] = ["type": "new", "paper": true]
        let body = try JSONSerialization.data(withJSONObject: spec)
        try await fixture.withAPI { client in
            let response = try await client.execute(uri: "/v1/documents", method: .post,
                                                    headers: F.headers(F.office.token, contentType: "application/json"),
                                                    body: ByteBuffer(data: body))
            #expect(response.status == .accepted, "\(String(buffer: response.body))")
            let receipt = try F.decode(OutboundReceipt.self, response)
            let document = try #require(try await expectStoredSigned(fixture, receipt: receipt).first)
            #expect(document.header.otherInfo?.priority == "2")
            #expect(document.header.otherInfo?.direction == "false")
            #expect(document.header.otherInfo?.pageAmount == "3")
            #expect(document.header.steeringType == "0")
            #expect(document.traceList.business?.paper == "1")
        }
    }

    @Test("multipart: the document part plus file parts; a file described by name, another attached as sent")
    func multipart() async throws {
        let fixture = try OutboundFixture()
        var spec = try #require(try JSONSerialization.jsonObject(with: F.documentJSON(attachments: [])) as? [String: Any])
        spec["attachments"] = [["file": "scan", "name": "Tờ trình.pdf", "description": "bản quét"]]
        let form = MultipartBody(parts: [
            .init(name: "document", contentType: "application/json", bytes: try JSONSerialization.data(withJSONObject: spec)),
            .init(name: "scan", fileName: "scan-001.pdf", contentType: "application/octet-stream", bytes: Data("%PDF scan".utf8)),
            .init(name: "extra", fileName: "phu-luc.docx", bytes: Data("PK\u{3}\u{4}docx".utf8)),
        ])
        try await fixture.withAPI { client in
            let response = try await client.execute(uri: "/v1/documents", method: .post,
                                                    headers: F.headers(F.office.token, contentType: form.contentType),
                                                    body: ByteBuffer(data: form.data))
            #expect(response.status == .accepted, "\(String(buffer: response.body))")
            let receipt = try F.decode(OutboundReceipt.self, response)
            let document = try #require(try await expectStoredSigned(fixture, receipt: receipt).first)
            #expect(document.attachments.map(\.attachmentName) == ["Tờ trình.pdf", "phu-luc.docx"])
            #expect(document.attachments.map(\.contentType) == ["application/pdf",
                                                                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"])
            #expect(document.attachments.map(\.description) == ["bản quét", nil])
            #expect(document.attachments[1].payload.isZipped)
        }
    }

    @Test("a ready .edxml is completed (DocumentId, TraceHeader) and signed; a sender's hop already there is not doubled",
          arguments: [false, true])
    func readyEnvelope(withSendersHop: Bool) async throws {
        let fixture = try OutboundFixture()
        let envelope = try F.edxml(withSendersHop: withSendersHop)
        try await fixture.withAPI { client in
            let response = try await client.execute(uri: "/v1/documents", method: .post,
                                                    headers: F.headers(F.office.token, contentType: "application/xml"),
                                                    body: ByteBuffer(data: envelope))
            #expect(response.status == .accepted, "\(String(buffer: response.body))")
            let receipt = try F.decode(OutboundReceipt.self, response)
            #expect(receipt.documentId == "\(F.office.organId),2026/11/25,125/VPCP-TTĐT")
            let document = try #require(try await expectStoredSigned(fixture, receipt: receipt).first)
            #expect(document.traceList.traces.count == 1)
            #expect(document.header.documentId == receipt.documentId)
        }
    }

    @Test("a From the unit may not send as: 403 unit.organ_not_allowed, nothing stored", arguments: ["json", "edxml"])
    func foreignSender(format: String) async throws {
        let fixture = try OutboundFixture()
        let body = format == "json" ? F.documentJSON(from: F.province.organId) : try F.edxml(from: F.province.organId)
        try await fixture.withAPI { client in
            let response = try await client.execute(uri: "/v1/documents", method: .post,
                                                    headers: F.headers(F.office.token, contentType: format == "json" ? "application/json" : "application/xml"),
                                                    body: ByteBuffer(data: body))
            #expect(response.status == .forbidden)
            #expect(try F.decode(ProblemBody.self, response).reason == "unit.organ_not_allowed")
        }
        #expect(try await fixture.messages().isEmpty)
    }

    @Test("hostile .edxml is refused 422 with its reason code and nothing is stored", arguments: HostileInput.allCases)
    func hostile(input: HostileInput) async throws {
        let fixture = try OutboundFixture()
        try await fixture.withAPI { client in
            let response = try await client.execute(uri: "/v1/documents", method: .post,
                                                    headers: F.headers(F.office.token, contentType: "application/xml"),
                                                    body: ByteBuffer(data: input.bytes))
            #expect(response.status == .unprocessableContent)
            #expect(try F.decode(ProblemBody.self, response).reason == input.expectedReasonCode)
        }
        #expect(try await fixture.messages().isEmpty)
    }

    @Test("refusals of documents that parse: too large, signed already, a status, invalid, bad JSON, bad base64, a path")
    func refusals() async throws {
        var limits = XMLParseLimits.default
        limits.maxBytes = 4096
        let fixture = try OutboundFixture(xmlLimits: limits)
        let large = try F.edxml(to: (1...40).map { String(format: "000.00.%02d.H01", $0) })
        let organization = try F.pki.get().organizations[0]
        let signed = Data(try EnvelopeSigner(identity: SigningIdentity(key: organization.key, certificate: organization.certificate))
            .sign(Array(try F.edxml())))
        let status = try EdXMLWriter().data(for: .status(StatusMessage(
            from: Organization(organId: OrganId(F.office.organId)), responseFor: ResponseFor(documentId: "x"),
            statusCode: "03", timestamp: DateText("2026/11/25 08:00:00"))))
        let noSubject = Data(String(decoding: try F.edxml(), as: UTF8.self)
            .replacingOccurrences(of: #"<edXML:Subject>[^<]*</edXML:Subject>"#, with: "", options: .regularExpression).utf8)
        var pathSpec = try #require(try JSONSerialization.jsonObject(with: F.documentJSON(attachments: [])) as? [String: Any])
        pathSpec["attachments"] = [["file": "/etc/passwd"]]
        var badBase64 = pathSpec
        badBase64["attachments"] = [["name": "a.pdf", "content": "%%% not base64 %%%"]]
        var unknownKey = pathSpec
        unknownKey["attachments"] = nil
        unknownKey["subjct"] = "typo"
        // The same key twice: another reader of the text could see the other subject.
        let valid = String(decoding: F.documentJSON(attachments: []), as: UTF8.self)
        let repeatedKey = Data(valid.replacingOccurrences(of: "{", with: "{\"subject\": \"A\", ", options: .anchored).utf8)
        let deep = Data((String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)).utf8)
        let cases: [(String, Data, String)] = [
            ("application/xml", large, "xml.too_large"),
            ("application/xml", signed, "outbound.already_signed"),
            ("application/xml", status, "outbound.not_a_document"),
            ("application/xml", noSubject, "edxml.missing_subject"),
            ("application/json", Data("{\"from\": ".utf8), "build.invalid_json"),
            ("application/json", try JSONSerialization.data(withJSONObject: unknownKey), "build.invalid_json"),
            ("application/json", repeatedKey, "build.invalid_json"),
            ("application/json", deep, "build.invalid_json"),
            ("application/json", Data("{\"from\": NaN}".utf8), "build.invalid_json"),
            ("application/json", try JSONSerialization.data(withJSONObject: pathSpec), "build.attachment_path_refused"),
            ("application/json", try JSONSerialization.data(withJSONObject: badBase64), "build.attachment_not_base64"),
            ("application/json", F.documentJSON(to: ["000.00.00.H43", "000.00.00.H43"]), "outbound.duplicate_recipient"),
            ("application/json", F.documentJSON(to: [" 000.00.00.H43"]), "organid.malformed"),
        ]
        try await fixture.withAPI { client in
            for (contentType, body, reason) in cases {
                let response = try await client.execute(uri: "/v1/documents", method: .post,
                                                        headers: F.headers(F.office.token, contentType: contentType),
                                                        body: ByteBuffer(data: body))
                #expect(response.status == .unprocessableContent, "\(reason): \(String(buffer: response.body))")
                #expect(try F.decode(ProblemBody.self, response).reason == reason, "\(String(buffer: response.body))")
            }
            let unauthenticated = try await client.execute(uri: "/v1/documents", method: .post,
                                                           headers: F.headers("not-a-token", contentType: "application/json"),
                                                           body: ByteBuffer(data: F.documentJSON(attachments: [])))
            #expect(unauthenticated.status == .unauthorized)
        }
        #expect(try await fixture.messages().isEmpty)
        // Each refusal is counted by its reason code on the unit API's listener.
        let samples = try PrometheusText.samples(fixture.metrics.registry.emitToString())
        var expected = Dictionary(cases.map { ($0.2, 1.0) }, uniquingKeysWith: +)
        expected["auth.invalid_token"] = 1
        let counted = samples.filter { $0.key.hasPrefix("lienthong_refusals_total{") }
        #expect(counted == Dictionary(uniqueKeysWithValues: expected.map { ("lienthong_refusals_total{listener=\"unit_api\",reason=\"\($0.key)\"}", $0.value) }),
                "\(counted)")
    }

    @Test("200 seeded mutations of a ready envelope, and of a document's JSON: each accepted and stored signed, or refused with a reason code and nothing stored",
          arguments: ["application/xml", "application/json"])
    func mutatedSubmissions(_ contentType: String) async throws {
        let fixture = try OutboundFixture()
        let original = contentType == "application/xml" ? Array(try F.edxml()) : Array(F.documentJSON())
        var random = SeededGenerator(seed: contentType == "application/xml" ? 0x5EED_0A01 : 0x5EED_0A02)
        let mutations = (0..<200).map { _ in EnvelopeMutation.apply(to: original, using: &random) }
        let accepted = Mutex(0)
        let deadline = ContinuousClock.now + .seconds(60)
        try await fixture.withAPI { client in
            for (round, (mutated, mutation)) in mutations.enumerated() where ContinuousClock.now < deadline {
                let response = try await client.execute(uri: "/v1/documents", method: .post,
                                                        headers: F.headers(F.office.token, contentType: contentType),
                                                        body: ByteBuffer(bytes: mutated))
                if response.status == .accepted {
                    accepted.withLock { $0 += 1 }
                    continue
                }
                #expect((400..<500).contains(Int(response.status.code)), "round \(round), \(mutation): \(response.status)")
                let reason = try F.decode(ProblemBody.self, response).reason
                #expect(reason.wholeMatch(of: /[a-z0-9_]+\.[a-z0-9_]+/) != nil, "round \(round), \(mutation): \(reason)")
            }
        }
        // Every accepted one is stored once per recipient, signed; nothing else is.
        let messages = try await fixture.messages()
        #expect(accepted.withLock { $0 } > 0, "some mutations leave the submission valid (a subject's text, a repeated hop)")
        #expect(messages.count == accepted.withLock { $0 } * F.recipients.count)
        for message in messages {
            let verdict = fixture.verifier.verify(Array(try await fixture.store.envelope(ofMessage: message.id)))
            #expect(verdict.isValid, "\(message.id): \(verdict.summary)")
        }
    }

    @Test("malformed multipart is 400 with its reason; a body over limits.max_body is 413")
    func malformedRequests() async throws {
        let fixture = try OutboundFixture(maxBody: "\"64KiB\"")
        let noDocument = MultipartBody(parts: [.init(name: "file", fileName: "a.pdf", bytes: Data("x".utf8))])
        let cases: [(String, Data, HTTPResponse.Status, String)] = [
            ("multipart/form-data; boundary=abc", Data("--abc\r\nContent-Disposition: form-data; name=\"document\"\r\n\r\n{}".utf8),
             .badRequest, "request.multipart_malformed"),
            ("multipart/form-data; boundary=abc", Data("no delimiter at all".utf8), .badRequest, "request.multipart_malformed"),
            (noDocument.contentType, noDocument.data, .badRequest, "request.document_part_missing"),
            ("application/xml", Data(count: 100 * 1024), .contentTooLarge, "http.body_too_large"),
        ]
        try await fixture.withAPI { client in
            for (contentType, body, status, reason) in cases {
                let response = try await client.execute(uri: "/v1/documents", method: .post,
                                                        headers: F.headers(F.office.token, contentType: contentType),
                                                        body: ByteBuffer(data: body))
                #expect(response.status == status, "\(reason)")
                #expect(try F.decode(ProblemBody.self, response).reason == reason)
            }
        }
        #expect(try await fixture.messages().isEmpty)
    }
}

/// A multipart/form-data body as a client writes it, with a fresh boundary each time.
struct MultipartBody {
    struct Part {
        var name: String
        var fileName: String? = nil
        var contentType: String? = nil
        var bytes: Data
    }

    let parts: [Part]
    let boundary = "lienthong-\(UUID().uuidString)"

    var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    var data: Data {
        var data = Data()
        for part in parts {
            var disposition = "form-data; name=\"\(part.name)\""
            if let fileName = part.fileName { disposition += "; filename=\"\(fileName)\"" }
            data.append(Data("--\(boundary)\r\nContent-Disposition: \(disposition)\r\n".utf8))
            if let type = part.contentType { data.append(Data("Content-Type: \(type)\r\n".utf8)) }
            data.append(Data("\r\n".utf8))
            data.append(part.bytes)
            data.append(Data("\r\n".utf8))
        }
        data.append(Data("--\(boundary)--\r\n".utf8))
        return data
    }
}

enum SHA256Hex {
    static func of(_ data: Data) -> String { LibCrypto.SHA256Hasher.hexDigest(data) }
}
