import Foundation
@testable import EdXML
import TestSupport

/// Builds varied messages from a seed: Vietnamese text, characters XML must escape, several
/// recipients and attachments, optional parts present or absent, quirks real traffic has.
/// The same seed always gives the same messages.
struct MessageGenerator {
    var random: SeededGenerator
    let payloads: MemoryPayloadStore

    init(seed: UInt64, payloads: MemoryPayloadStore) {
        random = SeededGenerator(seed: seed)
        self.payloads = payloads
    }

    private static let words = ["Văn", "bản", "liên", "thông", "Ủy", "ban", "nhân", "dân", "tỉnh", "Nghệ", "An", "Đà", "Nẵng",
                                "Hà", "Nội", "Sở", "Thông", "tin", "và", "Truyền", "thông", "Bộ", "Tài", "chính", "V/v",
                                "kết", "nối", "phần", "mềm", "quản", "lý", "điện", "tử", "Quyết", "định", "số", "ĐƠN", "VỊ"]
    private static let tricky = ["&", "<tag>", "\"quoted\"", "'single'", "a > b", "x\ty", "line\nbreak", "cr\rlf", "  padded  ", "🇻🇳", "e\u{301}"]

    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &random) < percent }

    mutating func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &random)] }

    mutating func text(words count: ClosedRange<Int> = 1...8) -> String {
        var parts: [String] = []
        for _ in 0..<Int.random(in: count, using: &random) { parts.append(chance(8) ? pick(Self.tricky) : pick(Self.words)) }
        return parts.joined(separator: " ")
    }

    mutating func maybe(_ percent: Int = 70, _ make: (inout MessageGenerator) -> String) -> String? {
        guard chance(percent) else { return nil }
        return chance(5) ? "" : make(&self)
    }

    mutating func organId() -> OrganId {
        let digits = { (n: Int, g: inout MessageGenerator) in (0..<n).map { _ in String(Int.random(in: 0...9, using: &g.random)) }.joined() }
        switch Int.random(in: 0..<10, using: &random) {
        case 0: return OrganId(pick(["vxp.saas.01", "01.02.G22", "001.00.20.TT2", "null"]))
        case 1: return OrganId("\(pick(["A", "G", "H", "K"]))\(digits(2, &self)).\(digits(3, &self)).\(digits(2, &self))")
        default: return OrganId("\(digits(3, &self)).\(digits(2, &self)).\(digits(2, &self)).\(pick(["G", "H"]))\(digits(2, &self))")
        }
    }

    mutating func date(withTime: Bool = false) -> DateText {
        if chance(5) { return DateText(pick(["2014/02/30", "30/09/2015", "soon", ""])) }
        let value = LocalDateTime(year: Int.random(in: 2000...2030, using: &random), month: Int.random(in: 1...12, using: &random),
                                  day: Int.random(in: 1...28, using: &random),
                                  time: withTime ? .init(hour: Int.random(in: 0...23, using: &random), minute: Int.random(in: 0...59, using: &random),
                                                         second: Int.random(in: 0...59, using: &random)) : nil)
        return DateText(value)
    }

    mutating func number(_ range: ClosedRange<Int>) -> String { String(Int.random(in: range, using: &random)) }

    mutating func organization() -> Organization {
        Organization(organId: chance(95) ? organId() : nil, organizationInCharge: maybe { $0.text() }, organName: maybe { $0.text() },
                     organAdd: maybe { $0.text() }, email: maybe { _ in "vanthu@example.gov.vn" }, telephone: maybe { $0.number(100_000...999_999) },
                     fax: maybe(30) { $0.number(100_000...999_999) }, website: maybe(30) { _ in "https://example.gov.vn" })
    }

    mutating func responseFor() -> ResponseFor {
        if chance(15) { return ResponseFor() }
        return ResponseFor(organId: chance(80) ? organId() : nil, code: maybe { "\($0.number(1...9999))/\($0.pick(["VPCP-TTĐT", "UBND-VP"]))" },
                           promulgationDate: chance(70) ? date() : nil, documentId: maybe { "\($0.organId().text),2015/09/30,7816/VPCP-TTĐT" })
    }

    mutating func staff() -> StaffInfo {
        StaffInfo(department: maybe { $0.text() }, staff: maybe { $0.text(words: 2...4) }, mobile: maybe { $0.number(100_000...999_999) },
                  email: maybe { _ in "staff@example.gov.vn" })
    }

    mutating func traceList(business allowed: Bool) -> TraceHeaderList {
        let traces = (0..<Int.random(in: 0...3, using: &random)).map { _ in
            TraceHeader(organId: chance(90) ? organId() : nil, timestamp: chance(95) ? date(withTime: true) : nil)
        }
        guard allowed, chance(40) else { return TraceHeaderList(traces: traces) }
        let kind = pick(["0", "1", "2", "3", "7"])
        var business = Business(documentId: maybe { "\($0.organId().text),2014/02/30,7806/VPCP-TTĐT" }, docType: kind,
                                reason: maybe { $0.text() }, paper: maybe { $0.pick(["0", "1"]) })
        if kind == "2" || chance(10) {
            business.documentInfo = BusinessDocumentInfo(
                documentInfo: maybe { $0.pick(["0", "1"]) }, documentReceiver: maybe { $0.pick(["0", "1"]) },
                receivers: chance(80) ? (0..<Int.random(in: 0...3, using: &random)).map { _ in
                    .init(organId: organId(), receiverType: maybe { $0.pick(["0", "1"]) })
                } : nil)
        }
        if kind == "3" || chance(10) {
            business.replacements = (0..<Int.random(in: 0...2, using: &random)).map { _ in
                ReplacementInfo(documentId: maybe(90) { "\($0.organId().text),2014/01/30,7806/VPCP-TTĐT" },
                                organIds: chance(85) ? (0..<Int.random(in: 0...3, using: &random)).map { _ in organId() } : nil)
            }
        }
        if chance(70) { business.staff = staff() }
        return TraceHeaderList(traces: traces, business: business)
    }

    mutating func signature() -> EmbeddedSignature? {
        guard chance(30) else { return nil }
        let xml = "<Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\"><SignedInfo>"
            + "<CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>"
            + "<SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256\"/>"
            + "<Reference URI=\"\"><DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/><DigestValue>AAAA</DigestValue></Reference>"
            + "</SignedInfo><SignatureValue>BBBB</SignatureValue></Signature>"
        return EmbeddedSignature(element: OpaqueElement(container: "edXMLHeader", localName: "Signature", namespaceURI: EdXMLNamespace.xmlDSig, xml: xml),
                                 inXMLDSigNamespace: true, canonicalizationMethod: "http://www.w3.org/2001/10/xml-exc-c14n#",
                                 signatureMethod: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
                                 digestMethods: ["http://www.w3.org/2001/04/xmlenc#sha256"], transforms: [], hasCertificate: false)
    }

    /// Unknown elements in the containers the writer can put them back into, in the order the
    /// reader reports them.
    mutating func extras(in containers: [String]) -> [OpaqueElement] {
        containers.compactMap { container in
            guard chance(10) else { return nil }
            return OpaqueElement(container: container, localName: "Note", namespaceURI: "urn:example:extension",
                                 xml: "<Note xmlns=\"urn:example:extension\" kind=\"x\">Ghi chú &amp; thêm</Note>")
        }
    }

    mutating func attachment() throws -> (ManifestReference, Attachment) {
        let id = chance(50) ? "cid:\(UUID(uuid: randomUUIDBytes()).uuidString.lowercased())" : "\(number(1...99999))"
        let name = "\(text(words: 1...3)).\(pick(["pdf", "doc", "zip"]))"
        var bytes = Data((0..<Int.random(in: 0...3000, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) })
        if chance(30) { bytes = Data(PayloadFacts.zipMagic) + bytes }
        let payload: PayloadReference = chance(5)
            ? try PayloadFacts.reference(for: Data("${__StringFromFile(test.txt,,,)}".utf8), encoding: .undecodableText, keptIn: payloads)
            : try PayloadFacts.reference(for: bytes, keptIn: payloads)
        let type = pick(["application/pdf", "application/zip", "application/msword"])
        return (ManifestReference(contentId: chance(50) ? id : ContentId.normalize(id), contentType: maybe(90) { _ in type },
                                  description: maybe(40) { $0.text() }, attachmentName: name,
                                  href: chance(10) ? "" : nil),
                Attachment(contentId: id, attachmentName: name, description: maybe(40) { $0.text() }, contentType: type, payload: payload))
    }

    mutating func randomUUIDBytes() -> uuid_t {
        var b = [UInt8](repeating: 0, count: 16)
        for i in 0..<16 { b[i] = UInt8.random(in: 0...255, using: &random) }
        return (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15])
    }

    mutating func document() throws -> EdXMLDocument {
        var header = DocumentHeader(from: organization(), to: (0..<Int.random(in: 1...5, using: &random)).map { _ in organization() })
        header.documentId = maybe { $0.chance(50) ? "\($0.organId().text),2026/11/25,125/UBND-VP" : UUID(uuid: $0.randomUUIDBytes()).uuidString.lowercased() }
        header.code = chance(95) ? DocumentCode(number: maybe(95) { $0.number(1...9999) }, notation: maybe(90) { _ in "UBND-VP" }) : nil
        header.promulgation = chance(95) ? PromulgationInfo(place: maybe { $0.text(words: 1...3) }, date: chance(95) ? date() : nil) : nil
        header.documentType = chance(95) ? DocumentType(type: maybe(95) { $0.number(1...30) }, typeDetail: maybe(50) { $0.number(0...9) },
                                                        typeName: maybe { $0.text(words: 1...2) }) : nil
        header.subject = maybe(95) { $0.text(words: 3...15) }
        header.content = maybe(60) { $0.text(words: 5...40) }
        header.signer = chance(80) ? SignerInfo(competence: maybe { $0.text(words: 1...3) }, position: maybe { $0.text(words: 1...3) },
                                                 fullName: maybe(90) { $0.text(words: 2...4) }) : nil
        header.dueDate = chance(40) ? date() : nil
        header.toPlaces = chance(60) ? (0..<Int.random(in: 0...3, using: &random)).map { _ in text(words: 1...4) } : nil
        if chance(70) {
            header.otherInfo = OtherInfo(priority: maybe { $0.number(0...3) }, sphereOfPromulgation: maybe { $0.text() },
                                         typerNotation: maybe { _ in "TVC" }, promulgationAmount: maybe { $0.number(1...50) },
                                         pageAmount: maybe { $0.number(1...200) }, direction: maybe { $0.pick(["true", "false"]) },
                                         appendixes: chance(50) ? (0..<Int.random(in: 0...3, using: &random)).map { _ in text() } : nil)
        }
        header.responseFor = (0..<Int.random(in: 0...2, using: &random)).map { _ in responseFor() }
        header.steeringType = maybe(50) { $0.number(0...3) }

        var references: [ManifestReference] = []
        var attachments: [Attachment] = []
        for _ in 0..<Int.random(in: 0...4, using: &random) {
            let (reference, attachment) = try self.attachment()
            references.append(reference)
            attachments.append(attachment)
        }
        let manifest = chance(95) ? Manifest(version: chance(90) ? "1.0" : nil, references: references) : nil
        let containers = ["Bussiness", "TraceHeaderList", "MessageHeader", "edXMLHeader"]
            + (manifest == nil ? [] : ["edXMLManifest", "edXMLBody"]) + ["edXMLEnvelope", "AttachmentEncoded", "edXML"]
        var traceList = traceList(business: true)
        var extras = extras(in: containers)
        if traceList.business == nil { extras.removeAll { $0.container == "Bussiness" } }
        if traceList.traces.isEmpty && traceList.business == nil && chance(50) { traceList = TraceHeaderList() }
        return EdXMLDocument(header: header, traceList: traceList, signature: signature(), manifest: manifest,
                             attachments: attachments, extras: extras)
    }

    mutating func status() -> StatusMessage {
        let traceList: TraceHeaderList? = chance(30) ? self.traceList(business: false) : nil
        return StatusMessage(from: organization(), responseFor: chance(95) ? responseFor() : nil, staff: chance(80) ? staff() : nil,
                             statusCode: chance(95) ? StatusCode(pick(["01", "02", "03", "04", "05", "06", "13", "15", "16", "09"])) : nil,
                             description: maybe { $0.text(words: 3...20) }, timestamp: chance(95) ? date(withTime: true) : nil,
                             traceList: traceList, signature: signature(),
                             extras: extras(in: (traceList == nil ? [] : ["TraceHeaderList"]) + ["MessageHeader", "edXMLHeader", "edXMLEnvelope", "edXML"]))
    }
}
