import Foundation
import Testing
import EdXML
import TestSupport

/// The real envelopes in ../shared/samples/vdxp are the test of truth.
@Suite struct SampleReadingTests {
    static let samples = Paths.sampleFiles

    func read(_ name: String, payloads: any PayloadStore = MeasuringPayloadStore()) throws -> ReadResult? {
        guard let url = Paths.sample(name), FileManager.default.fileExists(atPath: url.path) else {
            print("skipped: the shared samples folder (../shared/samples/vdxp) is not on this machine")
            return nil
        }
        return try EdXMLReader(payloads: payloads).read(contentsOf: url)
    }

    @Test func samplesArePresent() {
        if Paths.samplesDirectory == nil {
            print("skipped: the shared samples folder (../shared/samples/vdxp) is not on this machine")
            return
        }
        #expect(Self.samples.count >= 17)
    }

    @Test(arguments: samples)
    func everySampleReads(_ url: URL) throws {
        let result = try EdXMLReader().read(contentsOf: url)
        switch result.message {
        case .document(let d):
            #expect(!url.lastPathComponent.hasPrefix("status"))
            #expect(d.header.from.organId != nil)
            #expect(!d.header.to.isEmpty)
            #expect(d.attachments.count == d.manifest?.references.count)
        case .status(let s):
            #expect(url.lastPathComponent.hasPrefix("status"))
            #expect(s.statusCode?.isTwoDigits == true)
            #expect(s.responseFor?.documentId != nil)
        }
    }

    @Test func statusInboxSenderIsNgheAn() throws {
        guard let result = try read("status_inbox__01.edxml") else { return }
        let status = try #require(result.message.status)
        #expect(status.from.organId?.text == "000.00.00.H41")
        #expect(status.from.organId?.form == .qcvn102)
        #expect(status.from.organName == "UBND Tỉnh Nghệ An")
        #expect(status.statusCode == .arrived)
        #expect(status.statusCode?.meaning?.vietnamese == "Đã đến")
        #expect(status.responseFor?.organId?.text == "000.00.00.G22")
        #expect(status.responseFor?.code == "7816/VPCP-TTĐT")
        #expect(status.responseFor?.documentId == "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT")
        #expect(status.timestamp?.value == LocalDateTime(year: 2015, month: 9, day: 20, time: .init(hour: 11, minute: 8, second: 36)))
        #expect(status.staff?.staff == "Nguyen thi ngoc tram")
        #expect(result.errors.isEmpty, "\(result.errors)")
    }

    @Test(arguments: [("status_rejection_02.edxml", "02", "refused"), ("status_acceptance_03.edxml", "03", "accepted"),
                      ("status_assignment_04.edxml", "04", "assigned"), ("status_processing_05.edxml", "05", "processing"),
                      ("status_finish_06.edxml", "06", "finished"), ("status_cancellation_13.edxml", "13", "recall requested"),
                      ("status_change-acceptance_15.edxml", "15", "update or recall accepted"),
                      ("status_change-rejection_16.edxml", "16", "update or recall refused")])
    func statusCodesAreNamed(_ name: String, _ code: String, _ meaning: String) throws {
        guard let result = try read(name) else { return }
        let status = try #require(result.message.status)
        #expect(status.statusCode?.text == code)
        #expect(status.statusCode?.name == meaning)
    }

    @Test func junkBeforeTheDeclarationIsSkipped() throws {
        guard let result = try read("edoc_new.edxml") else { return }
        #expect(result.findings.contains { $0.reasonCode == "edxml.junk_before_declaration" })
        let document = try #require(result.message.document)
        #expect(document.header.from.organId?.text == "002.00.20.H13")
        #expect(document.header.to.first?.organId?.text == "28.22.H17")
        #expect(document.header.to.first?.organizationInCharge == " UBND xã Hòa Sơn - UBND huyện Hòa Vang - Thành phố Đà Nẵng")
        #expect(document.traceList.business?.kind == .new)
        // The business key names 2014/02/30: kept as written, flagged, not refused.
        #expect(document.traceList.business?.documentId == "000.00.00.G22,2014/02/30,7806/VPCP-TTĐT")
        #expect(result.findings.contains { $0.reasonCode == "edxml.date_impossible" && $0.severity == .warning })
        let attachment = try #require(document.attachments.first)
        #expect(attachment.payload.isZipped)
        #expect(attachment.normalizedContentId == "209")
    }

    @Test func updateCarriesItsReceivers() throws {
        guard let result = try read("edoc_update.edxml") else { return }
        let document = try #require(result.message.document)
        #expect(document.header.to.map { $0.organId?.text } == ["000.00.00.H41", "000.00.00.H14", "000.00.00.G17"])
        let business = try #require(document.traceList.business)
        #expect(business.kind == .update)
        #expect(business.documentInfo?.receivers?.map { $0.organId?.text } == ["000.00.00.H41", "000.00.00.H14"])
        #expect(business.documentInfo?.receivers?.map(\.receiverType) == ["0", "1"])
        #expect(business.staff?.staff == "Nguyễn Thị Ngọc Trâm")
        #expect(document.signature?.inXMLDSigNamespace == false)
        #expect(document.signature?.transforms.contains("http://www.w3.org/TR/xml-exc-c14n#") == true)
    }

    @Test func replacementAndRevocation() throws {
        guard let replacement = try read("edoc_replacement.edxml"), let revocation = try read("edoc_revocation.edxml") else { return }
        let replaced = try #require(replacement.message.document?.traceList.business)
        #expect(replaced.kind == .replace)
        #expect(replaced.replacements?.count == 2)
        #expect(replaced.replacements?.first?.organIds == ["000.00.00.H41", "000.00.00.H14"])
        #expect(revocation.message.document?.traceList.business?.kind == .revoke)
        #expect(revocation.message.document?.traceList.business?.reason == "Thu hồi văn bản điện tử")
    }

    @Test func signatureInTheXMLDSigNamespaceAndPlaceholderPayload() throws {
        guard let result = try read("edoc.edxml") else { return }
        let document = try #require(result.message.document)
        let signature = try #require(document.signature)
        #expect(signature.inXMLDSigNamespace)
        #expect(signature.signatureMethod == "http://www.w3.org/2000/09/xmldsig#rsa-sha1")
        #expect(signature.hasCertificate)
        // DocumentId comes last in this sample, after SteeringType: read in any order.
        #expect(document.header.documentId == "9fbfbad2-f1f8-4256-a2eb-50fb1061cddb")
        // The manifest's xlink:href (prefix undeclared in the sample) is kept.
        #expect(document.manifest?.references.first?.href == "")
        // A test tool's placeholder instead of base64: kept as text and reported as an error.
        #expect(document.attachments.first?.payload.encoding == .undecodableText)
        #expect(result.errors.contains { $0.reasonCode == "edxml.attachment_not_base64" && $0.line == 126 })
    }

    /// A routing node reads without the Signature's text: the algorithms are still read out, and
    /// writing such a message back refuses instead of dropping the signature unnoticed.
    @Test func aSignatureReadWithoutItsElementIsDescribedButNotWrittenBack() throws {
        guard let url = Paths.sample("edoc.edxml"), FileManager.default.fileExists(atPath: url.path) else {
            print("skipped: the shared samples folder (../shared/samples/vdxp) is not on this machine")
            return
        }
        let payloads = MemoryPayloadStore()
        var reader = EdXMLReader(payloads: payloads)
        let kept = try reader.read(contentsOf: url).message
        #expect(kept.signature?.element?.xml.contains("<X509Certificate>") == true)
        #expect(throws: Never.self) { try EdXMLWriter(payloads: payloads).data(for: kept) }

        reader.keepsSignatureElement = false
        let light = try reader.read(contentsOf: url).message
        let signature = try #require(light.signature)
        #expect(signature.element == nil)
        #expect(signature.signatureMethod == kept.signature?.signatureMethod)
        #expect(signature.digestMethods == kept.signature?.digestMethods)
        #expect(signature.hasCertificate)
        let refusal = try #require(throws: Refusal.self) { try EdXMLWriter(payloads: payloads).data(for: light) }
        #expect(refusal.reasonCode == "edxml.signature_not_kept")
    }

    @Test func deliveredIn2025WithoutSignatureAndNullTrace() throws {
        guard let result = try read("delivered_2025-10_874e0f18-90dc-45fb-989a-65401470ba84.edxml") else { return }
        let document = try #require(result.message.document)
        #expect(document.signature == nil)
        #expect(document.header.from.organId?.form == .unrecognised)
        #expect(document.traceList.traces.count == 2)
        #expect(document.traceList.traces[1].organId == nil)
        #expect(result.findings.contains { $0.reasonCode == "organid.unrecognised_form" && $0.severity == .warning })
        #expect(result.errors.isEmpty, "\(result.errors)")
        // Zipped (UEsDB) although both the manifest and the attachment say application/pdf.
        #expect(document.attachments.first?.payload.isZipped == true)
        #expect(document.attachments.first?.contentType == "application/pdf")
    }

    @Test func plainPDFPayloadIsNotZipped() throws {
        guard let result = try read("delivered_2025-10_9e272474-0603-48a2-b525-9cd1af689612.edxml") else { return }
        let attachment = try #require(result.message.document?.attachments.first)
        #expect(!attachment.payload.isZipped)
        #expect(attachment.payload.encoding == .base64)
        #expect(attachment.normalizedContentId == "a2e27520-f053-46f9-93ac-4b0d2f956d1b")
        #expect(result.message.document?.header.otherInfo?.appendixes == ["Phụ lục 1", "Phụ lục 2"])
        #expect(result.message.document?.header.toPlaces == ["Các phòng ban", "Ban lãnh đạo"])
    }
}
