import Foundation
import Testing
@testable import EdXML
import LibCrypto

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

    static func document(attaching payload: PayloadReference) -> EdXMLDocument {
        EdXMLDocument(header: DocumentHeader(from: Organization(organId: "000.00.00.H41"), to: [Organization(organId: "000.00.00.G22")]),
                      manifest: Manifest(references: [ManifestReference(contentId: "cid:1")]),
                      attachments: [Attachment(contentId: "cid:1", payload: payload)])
    }

    @Test func anAttachmentFileChangedSinceTheDocumentWasBuiltIsRefused() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-changed-\(UUID().uuidString).pdf")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data("one".utf8).write(to: file)
        let payload = try PayloadFacts.reference(forFileAt: file)
        #expect(try EdXMLWriter().data(for: .document(Self.document(attaching: payload))).count > 0)
        try Data("two".utf8).write(to: file)  // the same size: only the digest tells
        #expect { try EdXMLWriter().data(for: .document(Self.document(attaching: payload))) } throws: {
            ($0 as? Refusal)?.reasonCode == "edxml.attachment_changed"
        }
    }

    @Test func keptBytesOfAnotherSizeThanTheDocumentSaysAreRefused() throws {
        let store = MemoryPayloadStore()
        var payload = try PayloadFacts.reference(for: Data("one".utf8), keptIn: store)
        payload.decodedSize = 4
        #expect { try EdXMLWriter(payloads: store).data(for: .document(Self.document(attaching: payload))) } throws: {
            ($0 as? Refusal)?.reasonCode == "edxml.attachment_changed"
        }
    }

    /// The bus and a receiving gateway read with `MeasuringPayloadStore(digests: false)`: the
    /// same facts and findings as `inspect`'s reading, without a digest of each attachment.
    @Test func readingWithoutDigestsFindsTheSameFactsAndFindings() throws {
        let store = MemoryPayloadStore()
        var zipped = Data(PayloadFacts.zipMagic)
        zipped.append(Data(repeating: 7, count: 5_000))
        var document = Self.document(attaching: try PayloadFacts.reference(for: zipped, keptIn: store))
        document.manifest?.references.append(ManifestReference(contentId: "cid:2"))
        document.attachments.append(Attachment(contentId: "cid:2", payload: try PayloadFacts.reference(for: Data(), keptIn: store)))
        let written = try EdXMLWriter(payloads: store).data(for: .document(document))

        let measured = try EdXMLReader().read(written)
        let routed = try EdXMLReader(payloads: MeasuringPayloadStore(digests: false)).read(written)
        let withDigests = try #require(measured.message.document).attachments.map(\.payload)
        let without = try #require(routed.message.document).attachments.map(\.payload)
        #expect(withDigests.map(\.sha256) == [SHA256Hasher.hexDigest(zipped), SHA256Hasher.hexDigest(Data())])
        #expect(without.map(\.sha256) == [nil, nil])
        #expect(without.map(\.decodedSize) == [5_004, 0])
        #expect(without.map(\.isZipped) == [true, false])
        #expect(without.map(\.location) == [.notKept, .notKept])
        #expect(routed.findings == measured.findings)
        #expect(routed.findings.contains { $0.reasonCode == "edxml.attachment_empty" })
    }

    @Test func textThatIsNotBase64IsReportedWithoutDigests() throws {
        let store = MemoryPayloadStore()
        let written = try EdXMLWriter(payloads: store).data(for: .document(Self.document(attaching:
            try PayloadFacts.reference(for: Data(), keptIn: store))))
        let text = String(decoding: written, as: UTF8.self)
            .replacingOccurrences(of: "></edXML:ContentTransferEncoded>", with: ">not base64!</edXML:ContentTransferEncoded>")
        #expect(text.contains("not base64!"))
        let routed = try EdXMLReader(payloads: MeasuringPayloadStore(digests: false)).read(Data(text.utf8))
        #expect(routed.findings.contains { $0.reasonCode == "edxml.attachment_not_base64" })
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
