import Foundation
import Testing
import EdXML
import TestSupport

/// read → write → read gives the same model for every real sample, and nothing is dropped.
@Suite struct SampleRoundTripTests {
    @Test(arguments: Paths.sampleFiles)
    func roundTripKeepsTheModel(_ url: URL) throws {
        let store = MemoryPayloadStore()
        let reader = EdXMLReader(payloads: store)
        let first = try reader.read(contentsOf: url)
        // Every element a sample carries is either modelled or kept: nothing would be dropped.
        #expect(!first.findings.contains { $0.reasonCode == "edxml.unknown_element" }, "\(first.findings)")

        let written = try EdXMLWriter(payloads: store).data(for: first.message)
        let second = try reader.read(written)
        #expect(second.message == first.message)
        #expect(!second.findings.contains { $0.reasonCode == "edxml.junk_before_declaration" })

        // Writing the re-read model gives the same bytes: the writer is deterministic.
        #expect(try EdXMLWriter(payloads: store).data(for: second.message) == written)
    }

    @Test(arguments: Paths.sampleFiles)
    func attachmentBytesSurviveTheRoundTrip(_ url: URL) throws {
        let store = MemoryPayloadStore()
        let first = try EdXMLReader(payloads: store).read(contentsOf: url)
        guard let document = first.message.document else { return }
        let written = try EdXMLWriter(payloads: store).data(for: first.message)
        let secondStore = MemoryPayloadStore()
        let second = try #require(try EdXMLReader(payloads: secondStore).read(written).message.document)
        for (a, b) in zip(document.attachments, second.attachments) {
            #expect(try store.bytes(at: a.payload.location) == secondStore.bytes(at: b.payload.location))
        }
    }

    @Test func writtenShapeIsTheNationalOne() throws {
        guard let url = Paths.sample("edoc_update.edxml"), FileManager.default.fileExists(atPath: url.path) else {
            print("skipped: the shared samples folder (../shared/samples/vdxp) is not on this machine")
            return
        }
        let store = MemoryPayloadStore()
        let result = try EdXMLReader(payloads: store).read(contentsOf: url)
        let text = String(decoding: try EdXMLWriter(payloads: store).data(for: result.message), as: UTF8.self)
        #expect(text.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<edXML xmlns=\"http://www.mic.gov.vn/TBT/QCVN_102_2016\">\n  <edXML:edXMLEnvelope xmlns:edXML=\"http://www.mic.gov.vn/TBT/QCVN_102_2016\">\n    <edXML:edXMLHeader>\n      <edXML:MessageHeader>\n        <edXML:From>\n          <edXML:OrganId>000.00.00.G22</edXML:OrganId>"))
        #expect(text.contains("<edXML:Subject>V/v kết nối, liên thông phần mềm quản lý văn bản</edXML:Subject>"))
        #expect(text.contains("\n  <AttachmentEncoded>\n    <Attachment>\n      <ContentId>cid:209</ContentId>"))
        #expect(text.contains("<edXML:ContentTransferEncoded xmlns:edXML=\"http://www.mic.gov.vn/TBT/QCVN_102_2016\">UEsDB"))
        // The undeclared Signature goes back as it came, without a redundant namespace declaration.
        #expect(text.contains("</edXML:TraceHeaderList>\n      <Signature>\n        <SignedInfo>"))
        #expect(text.contains("<edXML:Email>vanthuvanphong@gov.vn</edXML:Email>\n            <edXML:Mobile>84912000001</edXML:Mobile>"))
        // The reference implementation's order: From, To…, DocumentId, Code, …, OtherInfo, ResponseFor, SteeringType.
        let order = ["<edXML:From>", "<edXML:To>", "<edXML:DocumentId>", "<edXML:Code>", "<edXML:PromulgationInfo>",
                     "<edXML:DocumentType>", "<edXML:Subject>", "<edXML:Content>", "<edXML:SignerInfo>", "<edXML:DueDate>",
                     "<edXML:ToPlaces>", "<edXML:OtherInfo>", "<edXML:SteeringType>", "</edXML:MessageHeader>",
                     "<edXML:TraceHeaderList>", "<edXML:Bussiness>", "<Signature", "<edXML:edXMLBody>", "<AttachmentEncoded>"]
        let positions = order.map { text.range(of: $0)?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil }, "\(zip(order, positions).filter { $0.1 == nil }.map(\.0))")
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted())
    }
}
