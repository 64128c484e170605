import Foundation
import Testing
import EdXML
import TestSupport

@Suite struct DocumentBuilderTests {
    /// 2026-11-25 03:04:05 UTC, which is 10:04:05 in Vietnam.
    static let fixedNow = Date(timeIntervalSince1970: 1_795_575_845)

    let builder = DocumentBuilder(now: { DocumentBuilderTests.fixedNow }, newContentId: { "cid:fixed" })

    func spec(_ json: String) throws -> OutboundDocument { try DocumentBuilder.decode(json: Data(json.utf8)) }

    static let minimal = """
    {"from": {"organId": "000.00.00.H41", "organName": "UBND Tỉnh Nghệ An"},
     "to": [{"organId": "000.00.00.G22"}, {"organId": "000.00.00.H14"}],
     "code": {"number": "7816", "notation": "VPCP-TTĐT"},
     "promulgation": {"place": "Vinh", "date": "2015/09/30"},
     "type": {"type": 1, "name": "Công văn"},
     "subject": "V/v kết nối, liên thông"}
    """

    @Test func documentIdIsTheBusinessKeyWhenNoneIsGiven() throws {
        let document = try builder.build(try spec(Self.minimal))
        #expect(document.header.documentId == "000.00.00.H41,2015/09/30,7816/VPCP-TTĐT")
        #expect(document.header.to.map { $0.organId?.text } == ["000.00.00.G22", "000.00.00.H14"])
        #expect(document.header.documentType?.typeName == "Công văn")
    }

    @Test func aGivenDocumentIdIsKept() throws {
        var s = try spec(Self.minimal)
        s.documentId = "5e515fca-3627-4f2e-b517-7169acdc8bda"
        #expect(try builder.build(s).header.documentId == "5e515fca-3627-4f2e-b517-7169acdc8bda")
    }

    @Test func senderTraceHeaderIsAppendedInVietnamTime() throws {
        let document = try builder.build(try spec(Self.minimal))
        #expect(document.traceList.traces.count == 1)
        #expect(document.traceList.traces[0].organId?.text == "000.00.00.H41")
        #expect(document.traceList.traces[0].timestamp?.text == "2026/11/25 10:04:05")
        let later = document.traceList.appending(organId: "000.00.00.G22", at: Self.fixedNow.addingTimeInterval(60))
        #expect(later.traces.map { $0.timestamp?.text } == ["2026/11/25 10:04:05", "2026/11/25 10:05:05"])
    }

    @Test func promulgationDateDefaultsToTodayInVietnam() throws {
        let json = Self.minimal.replacingOccurrences(of: "\"date\": \"2015/09/30\"", with: "\"date\": null")
        let document = try builder.build(try spec(json))
        #expect(document.header.promulgation?.date?.text == "2026/11/25")
        #expect(document.header.documentId == "000.00.00.H41,2026/11/25,7816/VPCP-TTĐT")
    }

    @Test func attachmentsAreDescribedNotLoaded() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try Data("Nội dung văn bản".utf8).write(to: directory.file("van-ban.pdf"))
        try Data([0x50, 0x4B, 0x03, 0x04, 1, 2, 3]).write(to: directory.file("ho-so.zip"))
        let json = Self.minimal.dropLast() + """
        , "attachments": [{"file": "van-ban.pdf", "description": "Văn bản chính"}, {"file": "ho-so.zip", "name": "Hồ sơ.zip"}]}
        """
        let document = try builder.build(try spec(String(json)), baseDirectory: directory.url)
        #expect(document.attachments.count == 2)
        let pdf = document.attachments[0]
        #expect(pdf.attachmentName == "van-ban.pdf")
        #expect(pdf.contentType == "application/pdf")
        #expect(pdf.payload.decodedSize == "Nội dung văn bản".utf8.count)
        #expect(pdf.payload.sha256 == "241f3b8ddd1fe58f7b4aeb74045d92f5400ac0964648bb142b665afee98cd8dc")
        #expect(pdf.payload.location == .file(path: directory.file("van-ban.pdf").path))
        #expect(!pdf.payload.isZipped)
        #expect(document.attachments[1].payload.isZipped)
        #expect(document.attachments[1].attachmentName == "Hồ sơ.zip")
        #expect(document.manifest?.references.map(\.contentId) == ["cid:fixed", "cid:fixed"])
        #expect(document.manifest?.references[0].description == "Văn bản chính")
    }

    @Test func builtDocumentWritesReadsAndPassesTheRules() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let bytes = Data((0..<10_000).map { UInt8($0 % 251) })
        try bytes.write(to: directory.file("phu-luc.doc"))
        let json = Self.minimal.dropLast() + ", \"attachments\": [{\"file\": \"phu-luc.doc\"}], \"business\": {\"type\": \"new\"}}"
        let document = try builder.build(try spec(String(json)), baseDirectory: directory.url)
        #expect(FieldRules().check(.document(document)).filter { $0.severity == .error }.isEmpty)
        let store = MemoryPayloadStore()
        let read = try EdXMLReader(payloads: store).read(try EdXMLWriter().data(for: .document(document)))
        let back = try #require(read.message.document)
        #expect(back.header == document.header)
        #expect(back.traceList == document.traceList)
        #expect(back.traceList.business?.kind == .new)
        #expect(try store.bytes(at: back.attachments[0].payload.location) == bytes)
        #expect(back.attachments[0].payload.sha256 == document.attachments[0].payload.sha256)
    }

    @Test func businessKindsCarryTheirExtraContent() throws {
        let update = Self.minimal.dropLast() + """
        , "business": {"type": "update", "documentId": "000.00.00.H41,2015/09/30,7816/VPCP-TTĐT", "reason": "Cập nhật",
          "documentInfoChanged": true, "receiversChanged": false, "receivers": [{"organId": "000.00.00.G22", "receiverType": 0}]}}
        """
        let b = try #require(try builder.build(try spec(String(update))).traceList.business)
        #expect(b.kind == .update)
        #expect(b.docType == "2")
        #expect(b.documentInfo?.documentInfo == "1")
        #expect(b.documentInfo?.receivers?.first?.organId?.text == "000.00.00.G22")
        let replace = Self.minimal.dropLast() + """
        , "business": {"type": "replace", "replacements": [{"documentId": "x,2014/01/30,1/A", "organIds": ["000.00.00.G22"]}]}}
        """
        let r = try #require(try builder.build(try spec(String(replace))).traceList.business)
        #expect(r.kind == .replace)
        #expect(r.replacements?.first?.organIds == ["000.00.00.G22"])
    }

    @Test(arguments: [
        ("{\"from\": {\"organId\": \"x\"}}", "'to' is required"),
        (minimal.replacingOccurrences(of: "\"subject\"", with: "\"subjct\""), "subjct"),
        (minimal.replacingOccurrences(of: "\"type\": 1", with: "\"type\": \"one\""), "type.type"),
        (minimal.replacingOccurrences(of: "{\"organId\": \"000.00.00.G22\"}", with: "{\"organid\": \"000.00.00.G22\"}"), "to[0].organid"),
        ("not json", "not JSON"),
    ])
    func badDescriptionsAreRefusedWithThePlace(_ json: String, _ mention: String) {
        #expect {
            try DocumentBuilder.decode(json: Data(json.utf8))
        } throws: { error in
            guard let refusal = error as? Refusal else { return false }
            return refusal.reasonCode == "build.invalid_json" && refusal.explanation.contains(mention)
        }
    }

    @Test func unknownBusinessTypeIsRefused() throws {
        let json = Self.minimal.dropLast() + ", \"business\": {\"type\": \"cancel\"}}"
        #expect { try builder.build(try spec(String(json))) } throws: { ($0 as? Refusal)?.reasonCode == "build.invalid_json" }
    }

    @Test func missingAttachmentFileIsRefused() throws {
        let json = Self.minimal.dropLast() + ", \"attachments\": [{\"file\": \"/nonexistent/lienthong/file.pdf\"}]}"
        #expect { try builder.build(try spec(String(json))) } throws: { ($0 as? Refusal)?.reasonCode == "edxml.attachment_unreadable" }
    }
}
