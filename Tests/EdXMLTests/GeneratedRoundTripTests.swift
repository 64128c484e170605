import Foundation
import Testing
@testable import EdXML

/// The model survives write → read for many generated shapes (a seeded generator: the same
/// messages every run, a bounded count).
@Suite struct GeneratedRoundTripTests {
    @Test(arguments: [UInt64(1), 2, 3, 4])
    func documentsRoundTrip(seed: UInt64) throws {
        let store = MemoryPayloadStore()
        var generator = MessageGenerator(seed: seed, payloads: store)
        let writer = EdXMLWriter(payloads: store)
        let reader = EdXMLReader(payloads: store)
        for index in 0..<60 {
            let message = EdXMLMessage.document(try generator.document())
            let written = try writer.data(for: message)
            let read = try reader.read(written)
            #expect(read.message == message, "seed \(seed) document \(index):\n\(String(decoding: written, as: UTF8.self))")
            if read.message != message { return }
        }
    }

    @Test(arguments: [UInt64(11), 12])
    func statusesRoundTrip(seed: UInt64) throws {
        let store = MemoryPayloadStore()
        var generator = MessageGenerator(seed: seed, payloads: store)
        for index in 0..<60 {
            let message = EdXMLMessage.status(generator.status())
            let written = try EdXMLWriter(payloads: store).data(for: message)
            let read = try EdXMLReader(payloads: store).read(written)
            guard read.message.status != nil else {
                Issue.record("seed \(seed) status \(index) was read as a document")
                continue
            }
            #expect(read.message == message, "seed \(seed) status \(index):\n\(String(decoding: written, as: UTF8.self))")
        }
    }

    @Test func vietnameseTextIsWrittenAsUTF8() throws {
        var header = DocumentHeader(from: Organization(organId: "000.00.00.H41", organName: "UBND Tỉnh Nghệ An"),
                                    to: [Organization(organId: "000.00.00.G22")])
        header.subject = "Về việc tổ chức Hội nghị trực tuyến — Đà Nẵng & Huế <2026>"
        let data = try EdXMLWriter().data(for: .document(EdXMLDocument(header: header)))
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("<edXML:OrganName>UBND Tỉnh Nghệ An</edXML:OrganName>"))
        #expect(text.contains("<edXML:Subject>Về việc tổ chức Hội nghị trực tuyến — Đà Nẵng &amp; Huế &lt;2026&gt;</edXML:Subject>"))
        #expect(!text.contains("&#"))
    }

    @Test func controlCharactersAreRefusedNotWritten() {
        var header = DocumentHeader(from: Organization(organId: "000.00.00.H41"), to: [Organization(organId: "000.00.00.G22")])
        header.subject = "bell \u{7}"
        #expect { try EdXMLWriter().data(for: .document(EdXMLDocument(header: header))) } throws: {
            ($0 as? Refusal)?.reasonCode == "edxml.invalid_character"
        }
    }

    @Test func changedAttachmentBytesAreRefused() throws {
        let store = MemoryPayloadStore()
        let payload = try PayloadFacts.reference(for: Data("one".utf8), keptIn: store)
        var tampered = payload
        tampered.sha256 = String(repeating: "0", count: 64)
        let document = EdXMLDocument(header: DocumentHeader(from: Organization(organId: "000.00.00.H41"), to: [Organization(organId: "000.00.00.G22")]),
                                     manifest: Manifest(references: [ManifestReference(contentId: "cid:1")]),
                                     attachments: [Attachment(contentId: "cid:1", payload: tampered)])
        #expect { try EdXMLWriter(payloads: store).data(for: .document(document)) } throws: {
            ($0 as? Refusal)?.reasonCode == "edxml.attachment_changed"
        }
    }
}

@Suite struct UnknownElementTests {
    @Test func unknownElementsInABodyWithoutManifestAreKept() throws {
        let text = """
        <?xml version="1.0" encoding="UTF-8"?>
        <edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">
          <edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">
            <edXML:edXMLHeader>
              <edXML:MessageHeader>
                <edXML:From><edXML:OrganId>000.00.00.H41</edXML:OrganId><edXML:Nickname>NA</edXML:Nickname></edXML:From>
                <edXML:To><edXML:OrganId>000.00.00.G22</edXML:OrganId></edXML:To>
                <edXML:Urgency>high</edXML:Urgency>
              </edXML:MessageHeader>
            </edXML:edXMLHeader>
            <edXML:edXMLBody><x:Extra xmlns:x="urn:example">kept</x:Extra></edXML:edXMLBody>
          </edXML:edXMLEnvelope>
          <edXML:Trailer xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">after</edXML:Trailer>
        </edXML>
        """
        let first = try EdXMLReader().read(Data(text.utf8))
        let document = try #require(first.message.document)
        #expect(document.extras.map(\.container) == ["MessageHeader", "edXMLBody", "edXML"])
        #expect(document.extras.map(\.localName) == ["Urgency", "Extra", "Trailer"])
        // Nickname sits in From, which the writer rebuilds field by field: reported, not kept.
        #expect(first.findings.contains { $0.reasonCode == "edxml.unknown_element" && $0.message.contains("not kept") && $0.line == 6 })
        let written = try EdXMLWriter().data(for: first.message)
        let second = try EdXMLReader().read(written)
        #expect(second.message == first.message)
        #expect(String(decoding: written, as: UTF8.self).contains("<x:Extra xmlns:x=\"urn:example\">kept</x:Extra>"))
    }
}
