import EdXML
import Foundation
import Gateway
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Store
import Testing
import TestSupport
import XMLDSig

/// The inbox through the real routes (HummingbirdTesting), on a node whose documents came in
/// through the real pipeline: each unit sees only what is addressed to its OrganIds.
@Suite("Inbox and bus push routes")
struct InboxRoutesTests {
    static let office: HTTPFields = [.authorization: "Bearer \(InboundNode.officeToken)"]
    static let annex: HTTPFields = [.authorization: "Bearer \(InboundNode.annexToken)"]

    static func json(_ headers: HTTPFields) -> HTTPFields {
        var headers = headers
        headers[.contentType] = "application/json"
        return headers
    }

    func withUnitAPI(_ node: InboundNode, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = Application(router: GatewayRouters.unitAPI(configuration: node.parts.configuration, services: node.services))
        try await app.test(.router, body)
    }

    func json(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }

    @Test("list, document, envelope, attachment and ack, each scoped to the calling unit")
    func inboxScopedPerUnit() async throws {
        let node = try InboundNode()
        defer { node.remove() }
        let signer = try InboundPKI.signer(try InboundPKI.trusted.get(), InboundNode.sender)
        let pdf = Array("%PDF-1.4 công văn".utf8)
        let envelope = try node.envelope(number: "1", attachments: [("công văn.pdf", pdf)], signer: signer)
        let forOffice = try await node.pipeline.process(envelope, source: .push).ids
        let forAnnex = try await node.pipeline.process(try node.envelope(to: ["000.00.00.G23"], number: "2", signer: signer),
                                                       source: .push).ids
        let officeID = try #require(forOffice.first), annexID = try #require(forAnnex.first)

        try await withUnitAPI(node) { client in
            let list = try await client.execute(uri: "/v1/inbox", method: .get, headers: Self.office)
            #expect(list.status == .ok)
            let items = try #require(try json(list)["items"] as? [[String: Any]])
            #expect(items.map { $0["id"] as? String } == [officeID])
            #expect(items.first?["verdict"] as? String == "valid")
            #expect(items.first?["recalled"] as? Bool == false)
            #expect(items.first?["from"] as? String == InboundNode.sender)

            let document = try await client.execute(uri: "/v1/inbox/\(officeID)", method: .get, headers: Self.office)
            #expect(document.status == .ok)
            let body = try json(document)
            #expect(body["to"] as? [String] == ["000.00.00.G22"])
            #expect(body["acknowledged"] as? Bool == false)
            let attachments = try #require(body["attachments"] as? [[String: Any]])
            #expect(attachments.count == 1)
            #expect(attachments.first?["name"] as? String == "công văn.pdf")
            #expect(attachments.first?["size"] as? Int == pdf.count)
            #expect((body["statuses"] as? [[String: Any]])?.map { $0["code"] as? String } == ["01"])

            let edxml = try await client.execute(uri: "/v1/inbox/\(officeID)/edxml", method: .get, headers: Self.office)
            #expect(edxml.status == .ok)
            #expect(Array(edxml.body.readableBytesView) == envelope, "the envelope exactly as received")
            let file = try await client.execute(uri: "/v1/inbox/\(officeID)/attachments/1", method: .get, headers: Self.office)
            #expect(file.status == .ok)
            #expect(Array(file.body.readableBytesView) == pdf)
            #expect(file.headers[.contentDisposition]?.contains("filename*=UTF-8''c%C3%B4ng%20v%C4%83n.pdf") == true)
            #expect(file.headers[.xContentTypeOptions] == "nosniff", "a sender's content type is never sniffed into a page")
            #expect(try await client.execute(uri: "/v1/inbox/\(officeID)/attachments/2", method: .get, headers: Self.office).status == .notFound)

            // The other unit sees its own document and nothing of the office's.
            let annexList = try json(try await client.execute(uri: "/v1/inbox", method: .get, headers: Self.annex))
            #expect((annexList["items"] as? [[String: Any]])?.map { $0["id"] as? String } == [annexID])
            for path in ["", "/edxml", "/attachments/1"] {
                let response = try await client.execute(uri: "/v1/inbox/\(officeID)\(path)", method: .get, headers: Self.annex)
                #expect(response.status == .notFound, "annex must not see \(path)")
            }
            #expect(try await client.execute(uri: "/v1/inbox/\(officeID)/ack", method: .post, headers: Self.annex).status == .notFound)

            #expect(try await client.execute(uri: "/v1/inbox/\(officeID)/ack", method: .post, headers: Self.office).status == .noContent)
            let after = try json(try await client.execute(uri: "/v1/inbox", method: .get, headers: Self.office))
            #expect((after["items"] as? [[String: Any]])?.isEmpty == true)
            let acknowledged = try json(try await client.execute(uri: "/v1/inbox/\(officeID)", method: .get, headers: Self.office))
            #expect(acknowledged["acknowledged"] as? Bool == true)
        }
    }

    @Test("the list pages with a cursor, oldest first")
    func paging() async throws {
        let node = try InboundNode()
        defer { node.remove() }
        let signer = try InboundPKI.signer(try InboundPKI.trusted.get(), InboundNode.sender)
        var stored: [String] = []
        for number in 1...3 {
            stored += try await node.pipeline.process(try node.envelope(number: "\(number)", signer: signer), source: .push).ids
        }
        let ids = stored
        try await withUnitAPI(node) { client in
            let first = try json(try await client.execute(uri: "/v1/inbox?limit=2", method: .get, headers: Self.office))
            #expect((first["items"] as? [[String: Any]])?.map { $0["id"] as? String } == ids.prefix(2).map { $0 })
            let cursor = try #require(first["next"] as? String)
            let second = try json(try await client.execute(uri: "/v1/inbox?limit=2&cursor=\(cursor)", method: .get, headers: Self.office))
            #expect((second["items"] as? [[String: Any]])?.map { $0["id"] as? String } == [ids[2]])
            #expect(second["next"] == nil)
        }
    }

    @Test("a unit's status goes to the sender signed, and 02 needs a reason")
    func reportStatus() async throws {
        let node = try InboundNode()
        defer { node.remove() }
        let signer = try InboundPKI.signer(try InboundPKI.trusted.get(), InboundNode.sender)
        let id = try #require(try await node.pipeline.process(try node.envelope(signer: signer), source: .push).ids.first)
        try await withUnitAPI(node) { client in
            let headers = Self.json(Self.office)
            let response = try await client.execute(uri: "/v1/inbox/\(id)/status", method: .post, headers: headers,
                                                    body: ByteBuffer(string: #"{"code": "03", "staff": {"staff": "Nguyễn Văn A"}}"#))
            #expect(response.status == .accepted)
            let statusID = try #require(try json(response)["id"] as? String)
            let sent = try #require(try await node.queuedStatuses().first { $0.message.id == statusID })
            #expect(sent.status.statusCode == .accepted)
            #expect(sent.status.staff?.staff == "Nguyễn Văn A")
            #expect(sent.message.destination == InboundNode.sender)
            #expect(try node.verifier().verify(sent.envelope).isValid)
            let annex = try await client.execute(uri: "/v1/inbox/\(id)/status", method: .post, headers: Self.json(Self.annex),
                                                 body: ByteBuffer(string: #"{"code": "03"}"#))
            #expect(annex.status == .notFound)
            let bare02 = try await client.execute(uri: "/v1/inbox/\(id)/status", method: .post, headers: Self.json(Self.office),
                                                  body: ByteBuffer(string: #"{"code": "02"}"#))
            #expect(bare02.status == .badRequest)
            #expect(try await node.queuedStatuses().count == 2, "the automatic 01 and the unit's 03, nothing for the refused 02")

            // Read as strictly as a document's JSON: a status never goes out without a part its
            // unit meant it to carry.
            let strict: [(body: String, detail: String)] = [
                (#"{"code": "02", "descripton": "thiếu chữ ký"}"#, "'descripton' is not part of the shape"),
                (#"{"code": "03", "staff": {"name": "Nguyễn Văn A"}}"#, "'staff.name' is not part of the shape"),
                (#"{"code": "03", "code": "05"}"#, "the key 'code' appears twice"),
                (#"{"code": 3}"#, "'code' must be a string"),
                (#"{"description": "x"}"#, "'code' is required"),
                (#"{"code": "03""#, "the body is not JSON"),
                // Only the statuses a recipient gives: 01 goes out by itself, 13 is the sender's.
                (#"{"code": "01"}"#, "a status a recipient gives"),
                (#"{"code": "13", "description": "lấy lại"}"#, "a status a recipient gives"),
                (#"{"code": "99"}"#, "a status a recipient gives"),
            ]
            for (body, detail) in strict {
                let refused = try await client.execute(uri: "/v1/inbox/\(id)/status", method: .post, headers: headers,
                                                       body: ByteBuffer(string: body))
                #expect(refused.status == .badRequest, "\(body)")
                let problem = try json(refused)
                #expect(problem["reason"] as? String == "request.invalid", "\(body): \(problem)")
                #expect((problem["detail"] as? String)?.contains(detail) == true, "\(body): \(problem)")
            }
            #expect(try await node.queuedStatuses().count == 2, "nothing queued for a refused body")
        }
    }

    @Test("POST /bus/v1/edoc: 202 stored, 200 duplicate, 422 with the reason for a refusal")
    func busPush() async throws {
        let node = try InboundNode()
        defer { node.remove() }
        let signer = try InboundPKI.signer(try InboundPKI.trusted.get(), InboundNode.sender)
        let envelope = try node.envelope(signer: signer)
        let app = Application(router: GatewayRouters.busEndpoint(configuration: node.parts.configuration, services: node.services))
        try await app.test(.router) { client in
            let first = try await client.execute(uri: "/bus/v1/edoc", method: .post, headers: [.contentType: "application/xml"],
                                                 body: ByteBuffer(bytes: envelope))
            #expect(first.status == .accepted)
            #expect(try json(first)["duplicate"] as? Bool == false)
            let again = try await client.execute(uri: "/bus/v1/edoc", method: .post, headers: [.contentType: "application/xml"],
                                                 body: ByteBuffer(bytes: envelope))
            #expect(again.status == .ok)
            #expect(try json(again)["duplicate"] as? Bool == true)
            #expect(try json(again)["id"] as? String == (try json(first)["id"] as? String))

            var tampered = envelope
            if let index = tampered.firstIndex(of: UInt8(ascii: "2")) { tampered[index] = UInt8(ascii: "3") }
            let refused = try await client.execute(uri: "/bus/v1/edoc", method: .post, headers: [.contentType: "application/xml"],
                                                   body: ByteBuffer(bytes: tampered))
            #expect(refused.status == .unprocessableContent)
            #expect(try json(refused)["reason"] as? String == "signature.digest_mismatch")
        }
        #expect(try await node.store.refusals(limit: 5).map(\.reasonCode) == ["signature.digest_mismatch"])
    }

    @Test("a real sample's zipped attachment is handed to the unit unzipped, under the manifest's name")
    func zippedSampleAttachment() async throws {
        guard let sample = Paths.sample("edoc_new.edxml"), FileManager.default.fileExists(atPath: sample.path) else {
            print("skipped: the shared samples are not on this machine (\(Paths.samplesDirectory?.path ?? "no shared folder"))")
            return
        }
        // The sample is addressed to 28.22.H17 and carries a Signature outside the XML-DSig namespace.
        let node = try InboundNode(policy: "record", organIds: ["28.22.H17"], unitOrganIds: (["28.22.H17"], ["28.22.H17"]))
        defer { node.remove() }
        let envelope = Array(try Data(contentsOf: sample))
        let outcome = try await node.pipeline.process(envelope, source: .push)
        let id = try #require(outcome.ids.first, "the sample is accepted under record: \(outcome)")
        #expect(try await node.store.inboundMessage(id)?.verdict == "recorded:signature.wrong_namespace")
        #expect(try await node.queuedStatuses().first?.message.destination == "002.00.20.H13")
        try await withUnitAPI(node) { client in
            let file = try await client.execute(uri: "/v1/inbox/\(id)/attachments/1", method: .get, headers: Self.office)
            #expect(file.status == .ok)
            let bytes = Array(file.body.readableBytesView)
            // The sample's sender zipped an .edxml under a .doc name (test traffic): what matters is
            // that the unit gets the inflated file, not the archive.
            #expect(Array(bytes.prefix(4)) != PayloadFacts.zipMagic, "unzipped")
            #expect(String(decoding: bytes.prefix(5), as: UTF8.self) == "<?xml")
            #expect(bytes.count > 270_823, "bigger than the zipped payload")
            #expect(file.headers[.contentDisposition]?.contains("1896_QD-TTg_m_294779.doc") == true)
            let document = try json(try await client.execute(uri: "/v1/inbox/\(id)", method: .get, headers: Self.office))
            #expect((document["attachments"] as? [[String: Any]])?.first?["size"] as? Int == bytes.count)
        }
    }
}
