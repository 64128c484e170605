import Foundation
import Testing
import EdXML
import TestSupport

@Suite struct ValidationTests {
    let validator: EdXMLValidator

    init() throws {
        validator = try EdXMLValidator(schemaDirectory: Paths.packageRoot.appendingPathComponent("schemas"))
    }

    static let status = """
    <?xml version="1.0" encoding="UTF-8"?>
    <edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">
      <edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">
        <edXML:edXMLHeader>
          <edXML:MessageHeader>
            <edXML:From><edXML:OrganId>000.00.00.H41</edXML:OrganId></edXML:From>
            <edXML:ResponseFor>
              <edXML:OrganId>000.00.00.G22</edXML:OrganId>
              <edXML:DocumentId>000.00.00.G22,2015/09/30,7816/VPCP-TTĐT</edXML:DocumentId>
            </edXML:ResponseFor>
            <edXML:StatusCode>03</edXML:StatusCode>
            <edXML:Timestamp>2018/09/28 17:25:11</edXML:Timestamp>
          </edXML:MessageHeader>
        </edXML:edXMLHeader>
      </edXML:edXMLEnvelope>
    </edXML>
    """

    func validate(_ text: String) throws -> ValidationReport { try validator.validate(Data(text.utf8)) }

    @Test(arguments: Paths.sampleFiles)
    func samplesAreValidExceptTheBrokenOne(_ url: URL) throws {
        let report = try validator.validate(contentsOf: url)
        if url.lastPathComponent == "edoc.edxml" {
            // Its AttachmentEncoded uses an undeclared prefix and its payload is a test tool's placeholder.
            let errors = report.findings.filter { $0.severity == .error }
            #expect(errors.contains { $0.reasonCode == "schema.invalid" && $0.line == 125 })
            #expect(errors.contains { $0.reasonCode == "edxml.attachment_not_base64" && $0.line == 126 })
        } else {
            #expect(report.isValid, "\(url.lastPathComponent): \(report.findings)")
        }
    }

    @Test func aValidStatus() throws {
        let report = try validate(Self.status)
        #expect(report.kind == "status")
        #expect(report.findings.isEmpty, "\(report.findings)")
    }

    @Test func statusElementNameIsAcceptedWithAWarning() throws {
        let text = Self.status.replacingOccurrences(of: "edXML:MessageHeader>", with: "edXML:Status>")
        let report = try validate(text)
        #expect(report.isValid, "\(report.findings)")
        #expect(report.findings.contains { $0.reasonCode == "edxml.status_element" && $0.line == 5 })
    }

    @Test func statusWithoutResponseForIsAnErrorAtItsHeader() throws {
        let text = Self.status.replacingOccurrences(of: #"(?s)<edXML:ResponseFor>.*</edXML:ResponseFor>"#, with: "", options: .regularExpression)
        let report = try validate(text)
        #expect(!report.isValid)
        #expect(report.findings.contains { $0.reasonCode == "edxml.missing_response_for" && $0.line == 5 })
    }

    @Test func badDateAndBadCodeAreFoundWithTheirLines() throws {
        let text = Self.status.replacingOccurrences(of: "2018/09/28 17:25:11", with: "28/09/2018")
            .replacingOccurrences(of: ">03<", with: ">3<")
        let report = try validate(text)
        #expect(report.findings.contains { $0.reasonCode == "edxml.date_unparseable" && $0.line == 12 })
        #expect(report.findings.contains { $0.reasonCode == "edxml.status_code_malformed" && $0.line == 11 })
        #expect(report.findings.contains { $0.reasonCode == "schema.invalid" && $0.line == 11 })
    }

    @Test func unknownElementIsASchemaFinding() throws {
        let text = Self.status.replacingOccurrences(of: "<edXML:StatusCode>", with: "<edXML:Mood>calm</edXML:Mood><edXML:StatusCode>")
        let report = try validate(text)
        #expect(report.findings.contains { $0.reasonCode == "schema.invalid" && $0.line == 11 && $0.message.contains("Mood") })
        #expect(report.findings.contains { $0.reasonCode == "edxml.unknown_element" && $0.severity == .warning })
    }

    @Test func strictModeRefusesUnknownOrganIdForms() throws {
        let text = Self.status.replacingOccurrences(of: "000.00.00.H41", with: "vxp.saas.01")
        #expect(try validate(text).isValid)
        let strict = try EdXMLValidator(schemaDirectory: Paths.packageRoot.appendingPathComponent("schemas"), strictOrganIds: true)
        let report = try strict.validate(Data(text.utf8))
        #expect(report.findings.contains { $0.reasonCode == "organid.malformed" && $0.line == 6 && $0.severity == .error })
    }

    static let document = """
    <?xml version="1.0" encoding="UTF-8"?>
    <edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">
      <edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">
        <edXML:edXMLHeader>
          <edXML:MessageHeader>
            <edXML:Subject>Thử nghiệm</edXML:Subject>
            <edXML:To><edXML:OrganId>000.00.00.G22</edXML:OrganId></edXML:To>
            <edXML:From><edXML:OrganId>000.00.00.H41</edXML:OrganId></edXML:From>
            <edXML:Code><edXML:CodeNumber>1</edXML:CodeNumber><edXML:CodeNotation>UBND</edXML:CodeNotation></edXML:Code>
            <edXML:PromulgationInfo><edXML:PromulgationDate>2026/11/25</edXML:PromulgationDate></edXML:PromulgationInfo>
            <edXML:DocumentType><edXML:Type>1</edXML:Type></edXML:DocumentType>
          </edXML:MessageHeader>
          <edXML:TraceHeaderList>
            <edXML:TraceHeader><edXML:OrganId>000.00.00.H41</edXML:OrganId><edXML:Timestamp>2026/11/25 10:00:00</edXML:Timestamp></edXML:TraceHeader>
          </edXML:TraceHeaderList>
        </edXML:edXMLHeader>
        <edXML:edXMLBody>
          <edXML:edXMLManifest version="1.0">
            <edXML:Reference><edXML:ContentId>cid:a</edXML:ContentId><edXML:AttachmentName>a.pdf</edXML:AttachmentName></edXML:Reference>
            <edXML:Reference><edXML:ContentId>cid:b</edXML:ContentId><edXML:AttachmentName>b.pdf</edXML:AttachmentName></edXML:Reference>
          </edXML:edXMLManifest>
        </edXML:edXMLBody>
      </edXML:edXMLEnvelope>
      <AttachmentEncoded>
        <Attachment><ContentId>a</ContentId><AttachmentName>a.pdf</AttachmentName><edXML:ContentTransferEncoded xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">JVBERi0=</edXML:ContentTransferEncoded></Attachment>
        <Attachment><ContentId>cid:c</ContentId><AttachmentName>c.pdf</AttachmentName><edXML:ContentTransferEncoded xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">JVBERi0=</edXML:ContentTransferEncoded></Attachment>
      </AttachmentEncoded>
    </edXML>
    """

    @Test func manifestAndAttachmentsMustAgree() throws {
        let report = try validate(Self.document)
        #expect(report.kind == "document")
        // `a` matches `cid:a` (cid: normalised); `c` is not listed; `b` has no attachment.
        #expect(report.findings.contains { $0.reasonCode == "edxml.attachment_not_in_manifest" && $0.line == 26 })
        #expect(report.findings.contains { $0.reasonCode == "edxml.manifest_entry_without_attachment" && $0.line == 20 })
        #expect(report.findings.filter { $0.severity == .error }.count == 2, "\(report.findings)")
    }

    @Test func missingRequiredFieldsAreNamed() throws {
        let text = Self.document.replacingOccurrences(of: "<edXML:Subject>Thử nghiệm</edXML:Subject>", with: "")
            .replacingOccurrences(of: "<edXML:To><edXML:OrganId>000.00.00.G22</edXML:OrganId></edXML:To>", with: "")
        let report = try validate(text)
        #expect(report.findings.contains { $0.reasonCode == "edxml.missing_subject" && $0.line == 5 })
        #expect(report.findings.contains { $0.reasonCode == "edxml.missing_recipient" && $0.line == 5 })
    }

    @Test func schemasAreFoundFromThePackage() {
        #expect(SchemaLocator.find(environment: [:]) != nil)
        #expect(SchemaLocator.find(environment: ["LIENTHONG_SCHEMAS": Paths.packageRoot.appendingPathComponent("schemas").path]) != nil)
    }
}

extension ValidationTests {
    /// Whatever the writer produces fits the schemas (unknown elements aside, which the XSD refuses by design).
    @Test func writtenMessagesFitTheSchemas() throws {
        let store = MemoryPayloadStore()
        var generator = MessageGenerator(seed: 99, payloads: store)
        let writer = EdXMLWriter(payloads: store)
        for index in 0..<40 {
            var document = try generator.document()
            document.extras = []
            var status = generator.status()
            status.extras = []
            for message in [EdXMLMessage.document(document), .status(status)] {
                let report = try validator.validate(try writer.data(for: message))
                let structural = report.findings.filter { $0.reasonCode == "schema.invalid" }
                #expect(structural.isEmpty, "message \(index): \(structural)")
            }
        }
    }
}
