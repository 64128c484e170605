import Foundation
import LibCrypto
import LibXML
import Testing
@testable import XMLDSig

/// Every attack of issue 3 item 6, each refused with its own reason code.
@Suite("Attacks refused")
struct AttackTests {
    let pki = TestPKI.shared
    let verifier: SignatureVerifier
    let signed: [UInt8]
    let signatureXML: String

    init() throws {
        verifier = try TestPKI.shared.verifier()
        signed = try Envelopes.signed(TestPKI.shared.rsaSigner)
        let text = signed.text
        let start = try #require(text.range(of: "<Signature xmlns=\"\(DSig.namespace)\">"))
        let end = try #require(text.range(of: "</Signature>"))
        signatureXML = String(text[start.lowerBound..<end.upperBound])
    }

    private func reason(_ bytes: [UInt8]) -> String? { verifier.verify(bytes).reasonCode }

    private var withoutSignature: [UInt8] { signed.replacing(signatureXML, with: "") }

    @Test func theUntouchedDocumentIsValid() {
        #expect(verifier.verify(signed).isValid)
    }

    @Test func aSecondSignature() {
        #expect(reason(signed.replacing(signatureXML, with: signatureXML + signatureXML)) == "signature.multiple")
        let intoBody = signed.replacing("<edXML:edXMLBody>", with: "<edXML:edXMLBody>" + signatureXML)
        #expect(reason(intoBody) == "signature.multiple")
    }

    @Test func theSignatureMovedIntoTheBodyOrTheAttachments() {
        let body = withoutSignature.replacing("<edXML:edXMLManifest", with: signatureXML + "<edXML:edXMLManifest")
        #expect(reason(body) == "signature.misplaced")
        let attachments = withoutSignature.replacing("<Attachment>", with: signatureXML + "<Attachment>")
        #expect(reason(attachments) == "signature.misplaced")
        let root = withoutSignature.replacing("<AttachmentEncoded>", with: signatureXML + "<AttachmentEncoded>")
        #expect(reason(root) == "signature.misplaced")
    }

    @Test func noSignatureOrOneOutsideTheDSigNamespace() {
        #expect(reason(withoutSignature) == "signature.missing")
        let foreign = signed.replacing("<Signature xmlns=\"\(DSig.namespace)\">", with: "<Signature>")
            .replacing("</Signature>", with: "</Signature>")
        #expect(reason(foreign) == "signature.wrong_namespace")
    }

    @Test(arguments: ["#msg", "#xpointer(/)", "http://attacker.example/envelope.xml", "file:///etc/passwd"])
    func aReferenceToAnythingButTheWholeDocument(uri: String) {
        #expect(reason(signed.replacing("URI=\"\"", with: "URI=\"\(uri)\"")) == "signature.reference_uri")
    }

    @Test func aReferenceWithoutURI() {
        #expect(reason(signed.replacing("URI=\"\"", with: "")) == "signature.reference_uri")
    }

    @Test func xpathAndXSLTTransforms() {
        let enveloped = "<Transform Algorithm=\"\(DSig.envelopedSignature)\"/>"
        let xpath = "<Transform Algorithm=\"http://www.w3.org/TR/1999/REC-xpath-19991116\"><XPath>not(ancestor-or-self::*)</XPath></Transform>"
        #expect(reason(signed.replacing(enveloped, with: xpath)) == "signature.transform_forbidden")
        #expect(reason(signed.replacing(enveloped, with: enveloped + xpath)) == "signature.transform_forbidden")
        let filter2 = "<Transform Algorithm=\"http://www.w3.org/2002/06/xmldsig-filter2\"/>"
        #expect(reason(signed.replacing(enveloped, with: enveloped + filter2)) == "signature.transform_forbidden")
        let xslt = "<Transform Algorithm=\"http://www.w3.org/TR/1999/REC-xslt-19991116\"><xsl:stylesheet xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\" version=\"1.0\"/></Transform>"
        #expect(reason(signed.replacing(enveloped, with: enveloped + xslt)) == "signature.transform_forbidden")
        #expect(reason(signed.replacing(enveloped, with: "")) == "signature.transform_forbidden")
    }

    /// Signature wrapping: the signed original kept inside an Object while the document says
    /// something else, or a copy of the envelope beside a modified one.
    @Test func signatureWrappingVariants() throws {
        let original = signed.text
        let envelopeStart = try #require(original.range(of: "<edXML:edXMLEnvelope"))
        let envelopeEnd = try #require(original.range(of: "</edXML:edXMLEnvelope>"))
        let envelope = String(original[envelopeStart.lowerBound..<envelopeEnd.upperBound])
        let modified = signed.replacing("thử nghiệm ký số", with: "chuyển 10 tỷ đồng")

        let messageStart = try #require(original.range(of: "<edXML:MessageHeader>")).lowerBound
        let messageEnd = try #require(original.range(of: "</edXML:MessageHeader>")).upperBound
        let messageHeader = String(original[messageStart..<messageEnd])
        let inObject = modified.replacing("</KeyInfo>", with: "</KeyInfo><Object xmlns:edXML=\"http://www.mic.gov.vn/TBT/QCVN_102_2016\">\(messageHeader)</Object>")
        #expect(reason(inObject) == "signature.object_forbidden")
        let envelopeInObject = modified.replacing("</KeyInfo>", with: "</KeyInfo><Object>\(envelope)</Object>")
        #expect(reason(envelopeInObject) == "signature.wrapping")
        let emptyObject = signed.replacing("</KeyInfo>", with: "</KeyInfo><Object Id=\"o\"/>")
        #expect(reason(emptyObject) == "signature.object_forbidden")

        let besideOriginal = modified.replacing("<AttachmentEncoded>", with: envelope + "<AttachmentEncoded>")
        #expect(reason(besideOriginal) == "signature.wrapping")
        let inBody = modified.replacing("<edXML:edXMLBody>", with: "<edXML:edXMLBody>" + envelope)
        #expect(reason(inBody) == "signature.wrapping")
        let headerCopy = try #require(original.range(of: "<edXML:edXMLHeader>")).lowerBound
        let headerEnd = try #require(original.range(of: "</edXML:edXMLHeader>")).upperBound
        let header = String(original[headerCopy..<headerEnd])
        let headerInAttachment = modified.replacing("<Attachment>", with: "<Attachment>" + header)
        #expect(reason(headerInAttachment) == "signature.wrapping")
        // Without a wrapping shape, the modification is simply a changed digest.
        #expect(reason(modified) == "signature.digest_mismatch")
    }

    @Test func certificatesThatAreNotTrusted() throws {
        func signedBy(_ party: TestPKI.Party) throws -> String? {
            reason(try Envelopes.signed(party, method: .ecdsaSHA256))
        }
        #expect(try signedBy(pki.foreignSigner) == "cert.untrusted")
        #expect(try signedBy(pki.selfSigned) == "cert.self_signed")
        #expect(try signedBy(pki.expired) == "cert.expired")
        #expect(try signedBy(pki.notYetValid) == "cert.not_yet_valid")
        #expect(try signedBy(pki.revoked) == "cert.revoked")
        #expect(try signedBy(pki.noSigningUsage) == "cert.key_usage")
        // Intermediate withheld from KeyInfo and not configured: no path to the anchor.
        #expect(try reason(Envelopes.signed(pki.chainedSigner, method: .ecdsaSHA256)) == "cert.untrusted")
    }

    @Test func anotherTrustedCertificateSwappedIntoKeyInfo() throws {
        let text = signed.text
        let start = try #require(text.range(of: "<X509Certificate>")).upperBound
        let end = try #require(text.range(of: "</X509Certificate>")).lowerBound
        let swapped = signed.replacing(String(text[start..<end]), with: Base64.encode(pki.ecSigner.certificate.der))
        #expect(reason(swapped) == "signature.key_mismatch")
        let rsaKey = try PrivateKey.generateRSA(bits: 2048)
        var builder = CertificateBuilder(subject: [("CN", "other rsa")])
        builder.keyUsage = ["digitalSignature"]
        let other = try builder.issue(for: try rsaKey.publicKey, issuer: pki.root.certificate, issuerKey: pki.root.key)
        let swappedRSA = signed.replacing(String(text[start..<end]), with: Base64.encode(other.der))
        #expect(reason(swappedRSA) == "signature.value_invalid")
        #expect(reason(signed.replacing(String(text[start..<end]), with: "bm90IGEgY2VydGlmaWNhdGU=")) == "cert.malformed")
        let noKeyInfo = try #require(text.range(of: "<KeyInfo>")).lowerBound
        let keyInfoEnd = try #require(text.range(of: "</KeyInfo>")).upperBound
        #expect(reason(signed.replacing(String(text[noKeyInfo..<keyInfoEnd]), with: "")) == "cert.missing")
    }

    @Test func md5OrSHA1WithoutThePolicy() throws {
        let sha256 = DigestMethod.sha256.rawValue
        #expect(reason(signed.replacing(sha256, with: "http://www.w3.org/2001/04/xmldsig-more#md5")) == "signature.algorithm_forbidden")
        #expect(reason(signed.replacing(SignatureMethod.rsaSHA256.rawValue, with: "http://www.w3.org/2001/04/xmldsig-more#rsa-md5")) == "signature.algorithm_forbidden")
        #expect(reason(signed.replacing(SignatureMethod.rsaSHA256.rawValue, with: "http://www.w3.org/2000/09/xmldsig#hmac-sha1")) == "signature.algorithm_forbidden")
        let sha1Signed = try EnvelopeSigner(identity: pki.rsaSigner.identity, legacyMethod: .rsaSHA1).sign(Envelopes.document())
        #expect(reason(sha1Signed) == "signature.sha1_not_allowed")
        // A SHA-1 digest under an RSA-SHA256 signature is refused for the digest alone.
        #expect(reason(signed.replacing(sha256, with: DigestMethod.sha1.rawValue)) == "signature.malformed")
    }

    @Test func emptyOrTruncatedSignatureValue() throws {
        let text = signed.text
        let start = try #require(text.range(of: "<SignatureValue>")).upperBound
        let end = try #require(text.range(of: "</SignatureValue>")).lowerBound
        let value = String(text[start..<end])
        #expect(reason(signed.replacing(value, with: "")) == "signature.value_malformed")
        #expect(reason(signed.replacing(value, with: "   \n ")) == "signature.value_malformed")
        let truncated = Base64.encode(Base64.decode(value)!.dropLast(4))
        #expect(reason(signed.replacing(value, with: truncated)) == "signature.value_malformed")
        #expect(reason(signed.replacing(value, with: "not*base64")) == "signature.value_malformed")
    }

    @Test func signedInfoWithExtraReferences() throws {
        let text = signed.text
        let start = try #require(text.range(of: "<Reference URI=\"\">")).lowerBound
        let end = try #require(text.range(of: "</Reference>")).upperBound
        let reference = String(text[start..<end])
        #expect(reason(signed.replacing(reference, with: reference + reference)) == "signature.reference_count")
        let other = reference.replacingOccurrences(of: "URI=\"\"", with: "URI=\"#attachment\"")
        #expect(reason(signed.replacing(reference, with: reference + other)) == "signature.reference_count")
        #expect(reason(signed.replacing(reference, with: "")) == "signature.reference_count")
    }

    @Test func hostileXMLIsRefusedBeforeAnySignatureWork() {
        let doctype = signed.replacing("<edXML xmlns", with: "<!DOCTYPE edXML [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><edXML xmlns")
        #expect(reason(doctype) == "xml.doctype_forbidden")
        #expect(reason(Array(signed.prefix(signed.count / 2))) == "xml.malformed")
        #expect(reason([]) == "xml.malformed")
        #expect(reason(Array("<other/>".utf8)) == "envelope.not_edxml")
    }
}
