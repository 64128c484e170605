import EdXML
import Foundation
import LibXML
import Testing
@testable import XMLDSig

/// The digest taken from the bytes as received (`ReceivedBytesDigest`): used where the sender
/// wrote the canonical form byte for byte, never where the bytes could mean other text than what
/// was signed; everything else goes the long way, and the verdicts are the same.
@Suite struct ReceivedBytesDigestTests {
    let pki = TestPKI.shared

    private func takenFromTheBytes(_ verdict: Verdict) -> Bool {
        verdict.diagnostics.first { $0.check == "digest" }?.detail.contains("taken from the bytes as received") ?? false
    }

    private func signedDocument() throws -> String {
        String(decoding: try Envelopes.writtenAndSigned(pki.rsaSigner), as: UTF8.self)
    }

    @Test func whatTheWriterWritesIsDigestedFromItsBytes() throws {
        for method in [SignatureMethod.rsaSHA256, .ecdsaSHA256, .rsaSHA512] {
            let party = method == .ecdsaSHA256 ? pki.ecSigner : pki.rsaSigner
            let verdict = try pki.verifier().verify(try Envelopes.writtenAndSigned(party, method: method))
            #expect(verdict.isValid, "\(verdict.summary)")
            #expect(takenFromTheBytes(verdict), "\(method): \(verdict.diagnostics)")
        }
        let status = StatusMessage(from: Organization(organId: OrganId(TestPKI.organId)),
                                   responseFor: ResponseFor(organId: OrganId(TestPKI.otherOrganId), documentId: "doc-1"),
                                   statusCode: StatusCode("01"), description: "Đã đến & <đọc>\t\"x\"\r",
                                   timestamp: DateText("2026/12/07 05:00:00"),
                                   traceList: TraceHeaderList(traces: [TraceHeader(organId: OrganId(TestPKI.organId),
                                                                                   timestamp: DateText("2026/12/07 05:00:00"))]))
        let verdict = try pki.verifier().verify(try EnvelopeSigner(identity: pki.rsaSigner.identity).signedEnvelope(.status(status)))
        #expect(verdict.isValid, "\(verdict.summary)")
        #expect(takenFromTheBytes(verdict), "markup, a tab and a carriage return are written as canonical XML writes them")
    }

    @Test func theSameDocumentWrittenOtherwiseVerifiesTheLongWay() throws {
        let signed = try signedDocument()
        for variant in [signed.replacingOccurrences(of: "<edXML:MessageHeader>", with: "<edXML:MessageHeader >"),
                        signed.replacingOccurrences(of: "<edXML:Subject>", with: "<!-- a note --><edXML:Subject>"),
                        signed.replacingOccurrences(of: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", with: "<?xml version='1.0'?><!-- x -->")] {
            #expect(variant != signed)
            let verdict = try pki.verifier().verify(Array(variant.utf8))
            #expect(verdict.isValid, "\(verdict.summary)")
            #expect(!takenFromTheBytes(verdict))
        }
    }

    @Test func aChangedByteIsRefusedEitherWay() throws {
        let signed = try signedDocument()
        let changed = signed.replacingOccurrences(of: "thử nghiệm", with: "thu nghiem")
        #expect(changed != signed)
        #expect(try pki.verifier().verify(Array(changed.utf8)).reasonCode == "signature.digest_mismatch")
        // The same change behind a bus hop's comment, which the fast way cuts out.
        let hopped = changed.replacingOccurrences(of: "</edXML:TraceHeaderList>",
                                                  with: "<!--bus TraceHeader: OrganId=000.00.00.BUS Timestamp=2026/12/07 05:00:00--></edXML:TraceHeaderList>")
        #expect(try pki.verifier().verify(Array(hopped.utf8)).reasonCode == "signature.digest_mismatch")
    }

    /// The signed bytes hold Vietnamese text in UTF-8; declared Latin-1, the same bytes are other
    /// text. Cutting the declaration away would hash exactly the signed bytes and accept it.
    @Test func bytesDeclaredInAnotherEncodingAreNotTakenAsSigned() throws {
        let signed = try signedDocument()
        let relabelled = signed.replacingOccurrences(of: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
                                                     with: "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>")
        #expect(relabelled != signed)
        let verdict = try pki.verifier().verify(Array(relabelled.utf8))
        #expect(!verdict.isValid, "\(verdict.summary)")
        #expect(verdict.reasonCode == "signature.digest_mismatch")
    }

    @Test func onlyAPlainDeclarationIsCut() {
        for plain in [" version=\"1.0\"", " version='1.0' encoding='utf-8'", " version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"",
                      " version=\"1.0\" standalone='no' ", "\n\tversion = \"1.0\""] {
            #expect(ReceivedBytesDigest.isPlainDeclaration(Array(plain.utf8)), "\(plain)")
        }
        for other in [" version=\"1.1\"", " version=\"1.0\" encoding=\"ISO-8859-1\"", " encoding=\"UTF-8\" version=\"1.0\"",
                      " version=\"1.0\" note=\"x\"", " version=\"1.0\"encoding=\"UTF-8\"", " version=\"1.0", "", " standalone=\"yes\"",
                      " version=\"1.0\" version=\"1.0\"", " version=\"1.0\" standalone=\"maybe\""] {
            #expect(!ReceivedBytesDigest.isPlainDeclaration(Array(other.utf8)), "\(other)")
        }
    }

    @Test func theRootIsFoundAfterAPlainDeclarationAndWhiteSpaceOnly() {
        func rootStart(_ text: String) -> Int? {
            Array(text.utf8).withUnsafeBufferPointer { ReceivedBytesDigest.rootStart(in: $0) }
        }
        #expect(rootStart("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a/>") == 39)
        #expect(rootStart("<?xml version='1.0'?><a/>") == 21)
        #expect(rootStart(" \n<a/>") == 2)
        #expect(rootStart("<a/>") == 0)
        for other in ["<?xml version=\"1.0\"? ><a/>", "<?xml version=\"1.0\"", "<?xml version=\"1.0\" encoding=\"?\"?><a/>",
                      "<?xml version=\"1.0\"?><!--c--><a/>", "<?xml version=\"1.0\"?><?pi?><a/>", "<?xmlversion=\"1.0\"?><a/>", "<", ""] {
            #expect(rootStart(other) == nil, "\(other)")
        }
    }

    @Test func aBusHopCommentIsCutWhereTheTreeShowsIt() throws {
        let signed = try signedDocument()
        let hop = "<!--bus TraceHeader: OrganId=000.00.00.BUS Timestamp=2026/12/07 05:00:00-->"
        let once = signed.replacingOccurrences(of: "</edXML:TraceHeaderList>", with: hop + "</edXML:TraceHeaderList>")
        let twice = signed.replacingOccurrences(of: "</edXML:TraceHeaderList>", with: hop + hop + "</edXML:TraceHeaderList>")
        for bytes in [once, twice] {
            let verdict = try pki.verifier().verify(Array(bytes.utf8))
            #expect(verdict.isValid, "\(verdict.summary)")
            #expect(takenFromTheBytes(verdict))
        }
        // Separated by the list's own white space, only the last run of comments is cut: the long way then decides.
        let endTag = try #require(signed.range(of: "</edXML:TraceHeaderList>"))
        var space = endTag.lowerBound
        while space > signed.startIndex, signed[signed.index(before: space)].isWhitespace { space = signed.index(before: space) }
        #expect(space < endTag.lowerBound, "the writer indents the end tag")
        let apart = String(signed[..<space]) + hop + String(signed[space..<endTag.lowerBound]) + hop + String(signed[endTag.lowerBound...])
        let verdict = try pki.verifier().verify(Array(apart.utf8))
        #expect(verdict.isValid, "\(verdict.summary)")
        #expect(!takenFromTheBytes(verdict))
    }

    @Test func aTreeVerifiesFromItsBytesOnlyWhenGivenThem() throws {
        let bytes = try Envelopes.writtenAndSigned(pki.rsaSigner)
        let junk = Array("junk before the declaration\n".utf8) + bytes
        let input = try EdXMLReader().parse(Data(junk))
        #expect(input.skippedBytes > 0)
        let verifier = try pki.verifier()
        let withBytes = verifier.verify(document: input.document, parsedFrom: input.parsedPart(of: junk))
        #expect(withBytes.isValid && takenFromTheBytes(withBytes), "\(withBytes.diagnostics)")
        let treeOnly = verifier.verify(document: input.document)
        #expect(treeOnly.isValid && !takenFromTheBytes(treeOnly))
        // Bytes that are not the ones parsed (here: with the junk) are never taken as signed.
        let wrongBytes = verifier.verify(document: input.document, parsedFrom: junk)
        #expect(wrongBytes.isValid && !takenFromTheBytes(wrongBytes))
    }
}
