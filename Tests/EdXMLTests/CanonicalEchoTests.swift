import Foundation
import LibXML
import Testing
@testable import EdXML

/// The canonical form the writer streams out beside what it writes is, byte for byte, what
/// libxml2's exclusive canonicaliser makes of the written text once parsed: signatures are
/// digested from it (XMLDSig's `EnvelopeSigner.signedEnvelope`) and verified from the parse.
@Suite struct CanonicalEchoTests {
    /// The written bytes, the echo, and libxml2's exclusive C14N of the parsed bytes.
    static func forms(of message: EdXMLMessage, payloads: any PayloadStore = MemoryPayloadStore())
        throws -> (written: WrittenEnvelope, echo: [UInt8], libxml2: [UInt8]) {
        var echo: [UInt8] = []
        let written = try EdXMLWriter(payloads: payloads).written(message) { echo.append(contentsOf: $0) }
        let parsed = try XMLDocument(parsing: Array(written.bytes))
        return (written, echo, try parsed.canonicalized(method: .exclusive))
    }

    /// The message with nothing kept as text from an earlier read.
    static func modelOnly(_ message: EdXMLMessage) -> EdXMLMessage {
        switch message {
        case .document(var document):
            document.extras = []
            document.signature = nil
            return .document(document)
        case .status(var status):
            status.extras = []
            status.signature = nil
            return .status(status)
        }
    }

    @Test(arguments: [UInt64(21), 22, 23, 24])
    func generatedDocumentsEchoLibxml2sCanonicalForm(seed: UInt64) throws {
        let store = MemoryPayloadStore()
        var generator = MessageGenerator(seed: seed, payloads: store)
        for index in 0..<40 {
            let message = Self.modelOnly(.document(try generator.document()))
            let forms = try Self.forms(of: message, payloads: store)
            #expect(forms.written.canonicalFormIsExact, "seed \(seed) document \(index)")
            #expect(forms.echo == forms.libxml2, "seed \(seed) document \(index):\n\(String(decoding: forms.echo, as: UTF8.self))\n---\n\(String(decoding: forms.libxml2, as: UTF8.self))")
            if forms.echo != forms.libxml2 { return }
        }
    }

    @Test(arguments: [UInt64(31), 32])
    func generatedStatusesEchoLibxml2sCanonicalForm(seed: UInt64) throws {
        var generator = MessageGenerator(seed: seed, payloads: MemoryPayloadStore())
        for index in 0..<60 {
            let forms = try Self.forms(of: Self.modelOnly(.status(generator.status())))
            #expect(forms.written.canonicalFormIsExact, "seed \(seed) status \(index)")
            #expect(forms.echo == forms.libxml2, "seed \(seed) status \(index):\n\(String(decoding: forms.echo, as: UTF8.self))\n---\n\(String(decoding: forms.libxml2, as: UTF8.self))")
            if forms.echo != forms.libxml2 { return }
        }
    }

    @Test func everyCharacterC14NEscapesInTextAndAttributes() throws {
        let tricky = "a & b < c > d \"q\" 's' tab\tline\nreturn\rcrlf\r\nend ]]> Ủy ban 🇻🇳 e\u{301}"
        let store = MemoryPayloadStore()
        var header = DocumentHeader(from: Organization(organId: "000.00.00.G22", organName: tricky),
                                    to: [Organization(organId: "000.00.00.H41")])
        header.subject = tricky
        header.toPlaces = []
        let payload = try PayloadFacts.reference(for: Data("text & <markup>\r\n".utf8), encoding: .undecodableText, keptIn: store)
        let document = EdXMLDocument(
            header: header,
            traceList: TraceHeaderList(traces: [TraceHeader(organId: "000.00.00.G22", timestamp: DateText("2026/12/07 05:00:00"))]),
            manifest: Manifest(version: tricky, references: [
                ManifestReference(contentId: "cid:1", contentType: "text/plain", description: tricky, attachmentName: "a.txt", href: tricky),
            ]),
            attachments: [Attachment(contentId: "cid:1", attachmentName: "a.txt", description: nil, contentType: "text/plain", payload: payload)])
        let forms = try Self.forms(of: .document(document), payloads: store)
        #expect(forms.written.canonicalFormIsExact)
        #expect(forms.echo == forms.libxml2, "\(String(decoding: forms.echo, as: UTF8.self))\n---\n\(String(decoding: forms.libxml2, as: UTF8.self))")
    }

    @Test func anAttachmentLargerThanOneBase64PieceEchoesWhole() throws {
        let store = MemoryPayloadStore()
        let bytes = Data((0..<(3 << 17) + 5).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let payload = try PayloadFacts.reference(for: bytes, keptIn: store)
        let document = EdXMLDocument(
            header: DocumentHeader(from: Organization(organId: "000.00.00.G22"), to: [Organization(organId: "000.00.00.H41")]),
            traceList: TraceHeaderList(traces: [TraceHeader(organId: "000.00.00.G22", timestamp: DateText("2026/12/07 05:00:00"))]),
            manifest: Manifest(version: "1.0", references: [
                ManifestReference(contentId: "cid:big", contentType: "application/pdf", description: nil, attachmentName: "big.pdf"),
            ]),
            attachments: [Attachment(contentId: "cid:big", attachmentName: "big.pdf", description: nil, contentType: "application/pdf",
                                     payload: payload)])
        let forms = try Self.forms(of: .document(document), payloads: store)
        #expect(forms.written.canonicalFormIsExact)
        #expect(forms.echo.count == forms.libxml2.count)
        #expect(forms.echo == forms.libxml2)
    }

    @Test func partsKeptAsTextFromAnEarlierReadMakeTheEchoInexact() throws {
        let store = MemoryPayloadStore()
        var generator = MessageGenerator(seed: 41, payloads: store)
        var checked = 0
        for _ in 0..<80 {
            let document = try generator.document()
            guard !document.extras.isEmpty || document.signature != nil else { continue }
            var echo: [UInt8] = []
            let written = try EdXMLWriter(payloads: store).written(.document(document)) { echo.append(contentsOf: $0) }
            #expect(!written.canonicalFormIsExact)
            checked += 1
        }
        #expect(checked > 10)
    }

    @Test func theSignaturePlaceIsRightAfterTheTraceList() throws {
        var generator = MessageGenerator(seed: 51, payloads: MemoryPayloadStore())
        for _ in 0..<20 {
            let status = generator.status()
            let written = try EdXMLWriter().written(.status(status)) { _ in }
            guard status.traceList != nil else {
                #expect(written.signaturePlace == nil)
                continue
            }
            let place = try #require(written.signaturePlace)
            let before = String(decoding: written.bytes.prefix(place), as: UTF8.self)
            #expect(before.hasSuffix("</edXML:TraceHeaderList>"))
        }
    }

    @Test func writingWithTheEchoWritesTheSameBytes() throws {
        let store = MemoryPayloadStore()
        var generator = MessageGenerator(seed: 61, payloads: store)
        for _ in 0..<20 {
            let message = EdXMLMessage.document(try generator.document())
            let plain = try EdXMLWriter(payloads: store).data(for: message)
            #expect(try EdXMLWriter(payloads: store).written(message) { _ in }.bytes == plain)
        }
    }
}
