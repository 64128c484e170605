import Foundation
import EdXML
import LibCrypto
import TestSupport
@testable import XMLDSig

/// Certificates for every case the tests need, made once per test run (EC keys where RSA is not
/// the point, to keep generation quick).
struct TestPKI: Sendable {
    static let shared: TestPKI = try! TestPKI()

    struct Party: Sendable {
        let key: PrivateKey
        let certificate: Certificate
        var identity: SigningIdentity { try! SigningIdentity(key: key, certificate: certificate) }
    }

    static let organId = "000.00.00.G22"
    static let otherOrganId = "000.00.00.H41"

    let root: Party
    let intermediate: Party
    let rsaSigner: Party          // RSA-2048 under root, carries organId as SAN URI + serialNumber
    let ecSigner: Party           // P-256 under root, carries organId
    let chainedSigner: Party      // P-256 under the intermediate, carries otherOrganId
    let ouSigner: Party           // OrganId only in OU
    let plainSigner: Party        // carries no OrganId
    let expired: Party
    let notYetValid: Party
    let revoked: Party
    let noSigningUsage: Party
    let selfSigned: Party
    let foreignSigner: Party      // under a CA nobody trusts
    let rootCRL: CertificateRevocationList
    let intermediateCRL: CertificateRevocationList

    init() throws {
        let rootKey = try PrivateKey.generateRSA(bits: 2048)
        var rootBuilder = CertificateBuilder(subject: [("CN", "test root")], validFor: 10 * 365 * 86400)
        rootBuilder.isCertificateAuthority = true
        rootBuilder.keyUsage = ["keyCertSign", "cRLSign"]
        root = Party(key: rootKey, certificate: try rootBuilder.issue(for: try rootKey.publicKey, issuer: nil, issuerKey: rootKey))

        func issue(_ subject: [(name: String, value: String)], key: PrivateKey? = nil, by issuer: Party?, ca: Bool = false,
                   usage: [String] = ["digitalSignature", "nonRepudiation"], san: [String] = [],
                   notBefore: Date = Date().addingTimeInterval(-3600), validFor: TimeInterval = 365 * 86400) throws -> Party {
            let key = try key ?? PrivateKey.generateEC(.ecP256)
            var builder = CertificateBuilder(subject: subject, notBefore: notBefore, validFor: validFor)
            builder.isCertificateAuthority = ca
            builder.keyUsage = usage
            builder.subjectAlternativeNames = san
            let certificate = try builder.issue(for: try key.publicKey, issuer: issuer?.certificate, issuerKey: issuer?.key ?? key)
            return Party(key: key, certificate: certificate)
        }
        let organURI = "URI:urn:organid:\(Self.organId)"
        intermediate = try issue([("CN", "test intermediate")], by: root, ca: true, usage: ["keyCertSign", "cRLSign"])
        rsaSigner = try issue([("O", "Văn phòng Chính phủ"), ("serialNumber", Self.organId), ("CN", "rsa signer")],
                              key: try PrivateKey.generateRSA(bits: 2048), by: root, san: [organURI])
        ecSigner = try issue([("serialNumber", Self.organId), ("CN", "ec signer")], by: root, san: [organURI])
        chainedSigner = try issue([("CN", "chained signer")], by: intermediate, san: ["URI:urn:organid:\(Self.otherOrganId)"])
        ouSigner = try issue([("OU", Self.otherOrganId), ("CN", "ou signer")], by: root)
        plainSigner = try issue([("CN", "plain signer")], by: root)
        expired = try issue([("CN", "expired signer")], by: root, notBefore: Date().addingTimeInterval(-800 * 86400), validFor: 400 * 86400)
        notYetValid = try issue([("CN", "future signer")], by: root, notBefore: Date().addingTimeInterval(30 * 86400))
        revoked = try issue([("CN", "revoked signer")], by: root)
        noSigningUsage = try issue([("CN", "key agreement only")], by: root, usage: ["keyAgreement"])
        selfSigned = try issue([("CN", "self-signed signer")], by: nil)
        let foreignRoot = try issue([("CN", "foreign root")], by: nil, ca: true, usage: ["keyCertSign", "cRLSign"])
        foreignSigner = try issue([("CN", "foreign signer")], by: foreignRoot)

        var crl = CRLBuilder()
        crl.revoke(revoked.certificate)
        rootCRL = try crl.issue(issuer: root.certificate, issuerKey: root.key)
        intermediateCRL = try CRLBuilder().issue(issuer: intermediate.certificate, issuerKey: intermediate.key)
    }

    func trust(crls: Bool = true, missingCRL: MissingCRLPolicy = .refuse) throws -> TrustStore {
        try TrustStore(anchors: [root.certificate], crls: crls ? [rootCRL, intermediateCRL] : [], missingCRL: missingCRL)
    }

    func verifier(crls: Bool = true, allowSHA1: Bool = false, cache: ChainCache? = nil) throws -> SignatureVerifier {
        SignatureVerifier(trust: try trust(crls: crls), policies: [AlgorithmPolicy(allowSHA1: allowSHA1), KeyUsagePolicy()], cache: cache)
    }

    /// PEM files for the peers and the command line: root.pem, crl.pem, <name>.key/.pem.
    func write(to directory: URL) throws {
        func put(_ name: String, _ text: String) throws { try Data(text.utf8).write(to: directory.appendingPathComponent(name)) }
        try put("root.pem", root.certificate.pem)
        try put("crl.pem", rootCRL.pem + intermediateCRL.pem)
        for (name, party) in [("rsa", rsaSigner), ("ec", ecSigner), ("revoked", revoked), ("foreign", foreignSigner)] {
            try put("\(name).key", try party.key.pkcs8PEM())
            try put("\(name).pem", party.certificate.pem)
        }
    }
}

/// Small envelopes written for the tests (the shared real samples are read elsewhere, never copied).
enum Envelopes {
    static func document(subject: String = "Công văn về việc thử nghiệm ký số", organId: String = TestPKI.organId,
                         attachment: [UInt8] = Array("Nội dung tệp đính kèm".utf8), trace: Bool = true) -> [UInt8] {
        let traceList = trace ? """
              <edXML:TraceHeaderList>
                <edXML:TraceHeader><edXML:OrganId>\(organId)</edXML:OrganId><edXML:Timestamp>2025/10/01 08:00:00</edXML:Timestamp></edXML:TraceHeader>
              </edXML:TraceHeaderList>

            """ : ""
        return Array("""
            <?xml version="1.0" encoding="UTF-8"?>
            <edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">
              <edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">
                <edXML:edXMLHeader>
                  <edXML:MessageHeader>
                    <edXML:From><edXML:OrganId>\(organId)</edXML:OrganId><edXML:OrganName>Văn phòng Chính phủ</edXML:OrganName></edXML:From>
                    <edXML:To><edXML:OrganId>\(TestPKI.otherOrganId)</edXML:OrganId><edXML:OrganName>UBND Tỉnh Nghệ An</edXML:OrganName></edXML:To>
                    <edXML:Code><edXML:CodeNumber>7816</edXML:CodeNumber><edXML:CodeNotation>VPCP-TTĐT</edXML:CodeNotation></edXML:Code>
                    <edXML:PromulgationInfo><edXML:Place>Hà Nội</edXML:Place><edXML:PromulgationDate>2025/10/01</edXML:PromulgationDate></edXML:PromulgationInfo>
                    <edXML:Subject>\(subject)</edXML:Subject>
                  </edXML:MessageHeader>
            \(traceList)    </edXML:edXMLHeader>
                <edXML:edXMLBody>
                  <edXML:edXMLManifest version="1.0">
                    <edXML:Reference><edXML:ContentId>cid:1</edXML:ContentId><edXML:AttachmentName>a.txt</edXML:AttachmentName></edXML:Reference>
                  </edXML:edXMLManifest>
                </edXML:edXMLBody>
              </edXML:edXMLEnvelope>
              <AttachmentEncoded>
                <Attachment><ContentId>cid:1</ContentId><AttachmentName>a.txt</AttachmentName><ContentType>text/plain</ContentType><edXML:ContentTransferEncoded xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">\(Base64.encode(attachment, lineLength: 76))</edXML:ContentTransferEncoded></Attachment>
              </AttachmentEncoded>
            </edXML>

            """.utf8)
    }

    static func signed(_ party: TestPKI.Party, method: SignatureMethod = .rsaSHA256, document: [UInt8] = document()) throws -> [UInt8] {
        try EnvelopeSigner(identity: party.identity, method: method).sign(document)
    }

    /// The same document as a model, with its attachment's bytes in `payloads`.
    static func model(payloads: MemoryPayloadStore, subject: String = "Công văn về việc thử nghiệm ký số") throws -> EdXMLDocument {
        var header = DocumentHeader(from: Organization(organId: OrganId(TestPKI.organId), organName: "Văn phòng Chính phủ"),
                                    to: [Organization(organId: OrganId(TestPKI.otherOrganId), organName: "UBND Tỉnh Nghệ An")])
        header.code = DocumentCode(number: "7816", notation: "VPCP-TTĐT")
        header.promulgation = PromulgationInfo(place: "Hà Nội", date: DateText("2025/10/01"))
        header.subject = subject
        let payload = try PayloadFacts.reference(for: Data("Nội dung tệp đính kèm".utf8), keptIn: payloads)
        return EdXMLDocument(
            header: header,
            traceList: TraceHeaderList(traces: [TraceHeader(organId: OrganId(TestPKI.organId), timestamp: DateText("2025/10/01 08:00:00"))]),
            manifest: Manifest(version: "1.0", references: [ManifestReference(contentId: "cid:1", attachmentName: "a.txt")]),
            attachments: [Attachment(contentId: "cid:1", attachmentName: "a.txt", contentType: "text/plain", payload: payload)])
    }

    /// The model written and signed in one pass, as the gateway signs what a unit submits.
    static func writtenAndSigned(_ party: TestPKI.Party, method: SignatureMethod = .rsaSHA256) throws -> [UInt8] {
        let payloads = MemoryPayloadStore()
        return try EnvelopeSigner(identity: party.identity, method: method)
            .signedEnvelope(.document(try model(payloads: payloads)), writer: EdXMLWriter(payloads: payloads))
    }
}

extension Array where Element == UInt8 {
    var text: String { String(decoding: self, as: UTF8.self) }

    /// The bytes with the first occurrence of `target` replaced (the test fails loudly if absent).
    func replacing(_ target: String, with replacement: String) -> [UInt8] {
        let text = self.text
        guard let range = text.range(of: target) else { fatalError("test input lacks \(target)") }
        return Array(text.replacingCharacters(in: range, with: replacement).utf8)
    }

    /// The bytes with one byte changed at the first occurrence of `marker` (its first byte flipped to the next letter).
    func changingOneByte(at marker: String) -> [UInt8] {
        let needle = Array(marker.utf8)
        guard let index = indices.first(where: { self[$0...].starts(with: needle) }) else { fatalError("test input lacks \(marker)") }
        var copy = self
        copy[index] = copy[index] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        return copy
    }
}
