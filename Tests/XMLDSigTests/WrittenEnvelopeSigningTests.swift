import EdXML
import Foundation
import LibXML
import Testing
@testable import XMLDSig

/// `signedEnvelope` signs what the writer writes from the digest of the canonical form the writer
/// streams out, never parsing the envelope back: the result must be what the long way (write,
/// parse, canonicalise, sign) gives, and verify wherever that verifies.
@Suite struct WrittenEnvelopeSigningTests {
    let pki = TestPKI.shared

    @Test(arguments: [SignatureMethod.rsaSHA256, .rsaSHA512, .ecdsaSHA256])
    func writtenAndSignedEnvelopesVerify(method: SignatureMethod) throws {
        let party = method == .ecdsaSHA256 ? pki.ecSigner : pki.rsaSigner
        let verdict = try pki.verifier().verify(try Envelopes.writtenAndSigned(party, method: method))
        #expect(verdict.isValid, "\(verdict.summary)")
        #expect(verdict.signer?.organId == TestPKI.organId)
        #expect(verdict.algorithms == .init(signature: method, digest: method.referenceDigest, canonicalization: .exclusive))
    }

    @Test func theDigestIsTheOneTheLongWayComputes() throws {
        let payloads = MemoryPayloadStore()
        let message = EdXMLMessage.document(try Envelopes.model(payloads: payloads, subject: "a & b < c > d \"q\" tab\tcr\r end"))
        let signer = try EnvelopeSigner(identity: pki.rsaSigner.identity, method: .rsaSHA256)
        let fast = try signer.signedEnvelope(message, writer: EdXMLWriter(payloads: payloads))
        let long = try signer.sign(try EdXMLWriter(payloads: payloads).data(for: message))
        func digestValue(_ bytes: [UInt8]) throws -> String? {
            try XMLDocument(parsing: bytes).root?.descendants(named: "DigestValue").first?.text
        }
        #expect(try digestValue(fast) != nil)
        #expect(try digestValue(fast) == digestValue(long))
        #expect(try pki.verifier().verify(fast).isValid)
        #expect(try pki.verifier().verify(long).isValid)
    }

    @Test func theSignatureSitsRightAfterTraceHeaderListWithTheWrittenBytesAroundIt() throws {
        let payloads = MemoryPayloadStore()
        let message = EdXMLMessage.document(try Envelopes.model(payloads: payloads))
        let signed = try EnvelopeSigner(identity: pki.ecSigner.identity, method: .ecdsaSHA256)
            .signedEnvelope(message, writer: EdXMLWriter(payloads: payloads))
        let document = try XMLDocument(parsing: signed)
        let header = try #require(document.root?.child(named: "edXMLEnvelope")?.child(named: "edXMLHeader"))
        #expect(header.children.map(\.localName) == ["MessageHeader", "TraceHeaderList", "Signature"])
        let signature = try #require(header.child(named: "Signature"))
        #expect(signature.namespaceURI == DSig.namespace)
        #expect(signature.children.map(\.localName) == ["SignedInfo", "SignatureValue", "KeyInfo"])
        // Everything but the Signature is the writer's text, unchanged.
        let written = Array(try EdXMLWriter(payloads: payloads).data(for: message))
        let text = String(decoding: signed, as: UTF8.self)
        let start = try #require(text.range(of: "<Signature "))
        let end = try #require(text.range(of: "</Signature>"))
        #expect(Array((String(text[..<start.lowerBound]) + String(text[end.upperBound...])).utf8) == written)
    }

    @Test func statusesAreSignedTheSameWay() throws {
        let status = StatusMessage(from: Organization(organId: OrganId(TestPKI.organId)),
                                   responseFor: ResponseFor(organId: OrganId(TestPKI.otherOrganId), documentId: "doc-1"),
                                   statusCode: StatusCode("01"), description: "Đã đến & <đọc>",
                                   timestamp: DateText("2026/12/07 05:00:00"),
                                   traceList: TraceHeaderList(traces: [TraceHeader(organId: OrganId(TestPKI.organId), timestamp: DateText("2026/12/07 05:00:00"))]))
        let signed = try EnvelopeSigner(identity: pki.rsaSigner.identity).signedEnvelope(.status(status))
        let verdict = try pki.verifier().verify(signed)
        #expect(verdict.isValid, "\(verdict.summary)")
    }

    @Test func aMessageWithPartsKeptFromAnEarlierReadIsSignedTheLongWay() throws {
        let payloads = MemoryPayloadStore()
        var document = try Envelopes.model(payloads: payloads)
        document.extras = [OpaqueElement(container: "MessageHeader", localName: "Note", namespaceURI: "urn:example:extension",
                                         xml: "<Note xmlns=\"urn:example:extension\" b=\"2\" a=\"1\">Ghi chú &amp; thêm</Note>")]
        let signed = try EnvelopeSigner(identity: pki.rsaSigner.identity)
            .signedEnvelope(.document(document), writer: EdXMLWriter(payloads: payloads))
        let verdict = try pki.verifier().verify(signed)
        #expect(verdict.isValid, "\(verdict.summary)")
        #expect(String(decoding: signed, as: UTF8.self).contains("Ghi chú &amp; thêm"))
    }

    @Test func aMessageThatIsAlreadySignedIsRefused() throws {
        let payloads = MemoryPayloadStore()
        let signed = try Envelopes.writtenAndSigned(pki.rsaSigner)
        let read = try EdXMLReader(payloads: payloads).read(Data(signed))
        #expect { try EnvelopeSigner(identity: pki.rsaSigner.identity).signedEnvelope(read.message, writer: EdXMLWriter(payloads: payloads)) }
            throws: { ($0 as? SignatureRefusal)?.reason == .alreadySigned }
    }
}
