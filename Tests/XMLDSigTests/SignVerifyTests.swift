import EdXML
import Foundation
import LibCrypto
import LibXML
import Testing
import TestSupport
@testable import XMLDSig

@Suite("Sign and verify")
struct SignVerifyTests {
    let pki = TestPKI.shared

    @Test(arguments: [SignatureMethod.rsaSHA256, .rsaSHA512, .ecdsaSHA256])
    func signedEnvelopesVerifyAndNameTheSigner(method: SignatureMethod) throws {
        let party = method == .ecdsaSHA256 ? pki.ecSigner : pki.rsaSigner
        let signed = try Envelopes.signed(party, method: method)
        let verdict = try pki.verifier().verify(signed)
        #expect(verdict.isValid, "\(verdict.summary)")
        #expect(verdict.signer?.subject == party.certificate.subject.rfc2253)
        #expect(verdict.signer?.serialHex == party.certificate.serialHex)
        #expect(verdict.signer?.issuer == pki.root.certificate.subject.rfc2253)
        #expect(verdict.signer?.organId == TestPKI.organId)
        #expect(verdict.algorithms == .init(signature: method, digest: method.referenceDigest, canonicalization: .exclusive))
        #expect(verdict.summary.hasPrefix("valid; signer"))
        #expect(verdict.diagnostics.map(\.check).contains("digest"))
    }

    @Test("junk before the XML declaration is skipped, as the envelope reader skips it")
    func junkBeforeTheDeclarationIsSkipped() throws {
        let signed = try Envelopes.signed(pki.ecSigner, method: .ecdsaSHA256)
        let verdict = try pki.verifier().verify(Array("1212\r\n".utf8) + signed)
        #expect(verdict.isValid, "\(verdict.summary)")
        let tampered = Array("1212\n".utf8) + signed.changingOneByte(at: "Công văn")
        #expect(try pki.verifier().verify(tampered).reasonCode == "signature.digest_mismatch")
    }

    @Test func theSignatureSitsInTheHeaderRightAfterTraceHeaderList() throws {
        let document = try XMLDocument(parsing: try Envelopes.signed(pki.ecSigner, method: .ecdsaSHA256))
        let header = try #require(document.root?.child(named: "edXMLEnvelope")?.child(named: "edXMLHeader"))
        #expect(header.children.map(\.localName) == ["MessageHeader", "TraceHeaderList", "Signature"])
        let signature = try #require(header.child(named: "Signature"))
        #expect(signature.namespaceURI == DSig.namespace)
        #expect(signature.children.map(\.localName) == ["SignedInfo", "SignatureValue", "KeyInfo"])
        let reference = try #require(signature.child(named: "SignedInfo")?.child(named: "Reference"))
        #expect(reference.attribute("URI") == "")
        #expect(reference.child(named: "Transforms")?.children.map { $0.attribute("Algorithm") ?? "" }
            == [DSig.envelopedSignature, C14NMethod.exclusive.rawValue])
    }

    @Test(arguments: SignatureMethod.signable)
    func theSignersSignedInfoBytesAreLibxml2sCanonicalForm(method: SignatureMethod) throws {
        let party = method.scheme == .ecdsa(method.scheme.digest) ? pki.ecSigner : pki.rsaSigner
        let document = try XMLDocument(parsing: try Envelopes.signed(party, method: method))
        let signedInfo = try #require(document.root?.descendants(named: "SignedInfo").first)
        let digestValue = try #require(signedInfo.descendants(named: "DigestValue").first?.text)
        let canonical = try document.canonicalized(subtree: signedInfo, method: .exclusive)
        #expect(canonical.text == SignedInfoTemplate(method: method, digestValue: digestValue).canonical.text)
    }

    @Test func intermediatesTravelInKeyInfo() throws {
        let identity = try SigningIdentity(key: pki.chainedSigner.key, certificate: pki.chainedSigner.certificate,
                                           chain: [pki.intermediate.certificate])
        let signed = try EnvelopeSigner(identity: identity, method: .ecdsaSHA256).sign(Envelopes.document(organId: TestPKI.otherOrganId))
        #expect(signed.text.components(separatedBy: "<X509Certificate>").count == 3)
        let verdict = try pki.verifier().verify(signed)
        #expect(verdict.isValid, "\(verdict.summary)")
        #expect(verdict.signer?.organId == TestPKI.otherOrganId)
    }

    @Test func aKeyThatIsNotTheCertificatesIsRefusedBeforeSigning() throws {
        #expect { try SigningIdentity(key: pki.ecSigner.key, certificate: pki.plainSigner.certificate) }
            throws: { ($0 as? SignatureRefusal)?.reason == .keyMismatch }
        #expect { try EnvelopeSigner(identity: pki.ecSigner.identity, method: .rsaSHA256) }
            throws: { ($0 as? SignatureRefusal)?.reason == .keyUnusable }
        #expect { try EnvelopeSigner(identity: pki.rsaSigner.identity, method: .rsaSHA1) }
            throws: { ($0 as? SignatureRefusal)?.reason == .algorithmForbidden }
    }

    @Test func signingTwiceIsRefusedUnlessReplacing() throws {
        let signer = try EnvelopeSigner(identity: pki.ecSigner.identity, method: .ecdsaSHA256)
        let once = try signer.sign(Envelopes.document())
        #expect { try signer.sign(once) } throws: { ($0 as? SignatureRefusal)?.reason == .alreadySigned }
        let twice = try signer.sign(once, replacingExisting: true)
        #expect(try pki.verifier().verify(twice).isValid)
    }

    @Test func oneByteChangesAreRefused() throws {
        let signed = try Envelopes.signed(pki.rsaSigner)
        let verifier = try pki.verifier()
        #expect(verifier.verify(signed).isValid)
        let content = signed.changingOneByte(at: "Văn phòng Chính phủ</edXML:OrganName>")
        #expect(verifier.verify(content).reasonCode == "signature.digest_mismatch")
        let attachment = Array(Base64.encode(Array("Nội dung tệp đính kèm".utf8)).utf8)
        let base64 = signed.changingOneByte(at: String(decoding: attachment.prefix(8), as: UTF8.self))
        #expect(verifier.verify(base64).reasonCode == "signature.digest_mismatch")
        let signedInfo = signed.replacing("<DigestMethod", with: "<DigestMethod Id=\"x\"")
        #expect(verifier.verify(signedInfo).reasonCode == "signature.value_invalid")
    }

    /// A comment inside a signed text node canonicalises away: the signature stays valid, and
    /// what is read is the whole text, never the part before the comment.
    @Test func aCommentInsideSignedTextKeepsTheSignatureAndTheFullText() throws {
        let signed = try Envelopes.signed(pki.rsaSigner, document: Envelopes.document(subject: "ĐàNẵng"))
        let commented = signed.replacing("ĐàNẵng", with: "Đà<!--x-->Nẵng")
        #expect(commented.text.contains("<edXML:Subject>Đà<!--x-->Nẵng</edXML:Subject>"))
        let verdict = try pki.verifier().verify(commented)
        #expect(verdict.isValid, "\(verdict.summary)")
        let read = try EdXMLReader().read(Data(commented))
        #expect(read.message.document?.header.subject == "ĐàNẵng")
        #expect(read.message.signature?.inXMLDSigNamespace == true)
    }

    @Test func legacySHA1VerifiesOnlyUnderThePolicy() throws {
        let signer = EnvelopeSigner(identity: pki.rsaSigner.identity, legacyMethod: .rsaSHA1)
        let signed = try signer.sign(Envelopes.document())
        #expect(signed.text.contains("xmldsig#rsa-sha1"))
        #expect(signed.text.contains("xmldsig#sha1"))
        #expect(try pki.verifier().verify(signed).reasonCode == "signature.sha1_not_allowed")
        let verdict = try pki.verifier(allowSHA1: true).verify(signed)
        #expect(verdict.isValid, "\(verdict.summary)")
        #expect(verdict.warnings.contains { $0.contains("SHA-1") })
    }

    @Test func chainResultsAreCachedButNeverPastACRLUpdate() throws {
        let cache = ChainCache(lifetime: 600)
        let trust = try pki.trust()
        let verifier = SignatureVerifier(trust: trust, cache: cache)
        let signed = try Envelopes.signed(pki.ecSigner, method: .ecdsaSHA256)
        let now = Date()
        #expect(verifier.verify(signed, at: now).chainFromCache == false)
        #expect(verifier.verify(signed, at: now.addingTimeInterval(1)).chainFromCache == true)
        #expect(cache.count == 1)
        // Past the cache lifetime the chain is rebuilt.
        #expect(verifier.verify(signed, at: now.addingTimeInterval(601)).chainFromCache == false)
        // A CRL update is a new trust store revision: the cached chain is not used with it.
        var crl = CRLBuilder()
        crl.revoke(pki.ecSigner.certificate)
        let updated = try TrustStore(anchors: [pki.root.certificate],
                                     crls: [try crl.issue(issuer: pki.root.certificate, issuerKey: pki.root.key), pki.intermediateCRL])
        #expect(updated.revision != trust.revision)
        let afterUpdate = SignatureVerifier(trust: updated, cache: cache).verify(signed, at: now.addingTimeInterval(2))
        #expect(afterUpdate.reasonCode == "cert.revoked")
        #expect(afterUpdate.chainFromCache == false)
        // And an entry never outlives the nextUpdate of the CRLs it was checked with.
        let shortCRL = CRLBuilder(lastUpdate: now.addingTimeInterval(-60), validFor: 120)
        let shortTrust = try TrustStore(anchors: [pki.root.certificate],
                                        crls: [try shortCRL.issue(issuer: pki.root.certificate, issuerKey: pki.root.key)],
                                        missingCRL: .warn)
        let shortVerifier = SignatureVerifier(trust: shortTrust, cache: ChainCache(lifetime: 3600))
        #expect(shortVerifier.verify(signed, at: now).isValid)
        #expect(shortVerifier.verify(signed, at: now.addingTimeInterval(30)).chainFromCache == true)
        let pastNextUpdate = shortVerifier.verify(signed, at: now.addingTimeInterval(90))
        #expect(pastNextUpdate.chainFromCache == false)
        #expect(pastNextUpdate.isValid && !pastNextUpdate.warnings.isEmpty)
    }

    @Test func senderBindingByCertificateFieldsOrMapping() throws {
        let verifier = try pki.verifier()
        func verdict(_ party: TestPKI.Party, from organId: String, method: SignatureMethod = .ecdsaSHA256) throws -> Verdict {
            verifier.verify(try Envelopes.signed(party, method: method, document: Envelopes.document(organId: organId)))
        }
        let bySAN = try verdict(pki.ecSigner, from: TestPKI.organId).bindingSender(with: SenderBinding())
        #expect(bySAN.isValid)
        #expect(bySAN.diagnostics.last?.detail.contains("SAN URI") == true)
        let byOU = try verdict(pki.ouSigner, from: TestPKI.otherOrganId).bindingSender(with: SenderBinding())
        #expect(byOU.isValid)
        #expect(byOU.diagnostics.last?.detail.contains("subject OU") == true)
        let wrongOrg = try verdict(pki.ecSigner, from: TestPKI.otherOrganId).bindingSender(with: SenderBinding())
        #expect(wrongOrg.reasonCode == "sender.not_bound")
        let plain = try verdict(pki.plainSigner, from: TestPKI.otherOrganId)
        #expect(plain.isValid)
        #expect(plain.bindingSender(with: SenderBinding()).reasonCode == "sender.not_bound")
        let mapped = plain.bindingSender(with: SenderBinding(mapping: [pki.plainSigner.certificate.fingerprintHex: [TestPKI.otherOrganId]]))
        #expect(mapped.isValid)
        #expect(mapped.diagnostics.last?.detail.contains("mapping") == true)
        let expected = try verdict(pki.ecSigner, from: TestPKI.organId).bindingSender(with: SenderBinding(), expected: TestPKI.otherOrganId)
        #expect(expected.reasonCode == "sender.unexpected")
        // By serialNumber alone: the RSA signer carries the id in both places; SAN is reported first.
        let signer = Signer(pki.rsaSigner.certificate)
        #expect(signer.organIds.map(\.source) == [.subjectAlternativeNameURI, .subjectSerialNumber])
        #expect(try SenderBinding().check(signer, speaksFor: TestPKI.organId) == .certificate(.subjectAlternativeNameURI))
    }

    @Test func theRealSamplesAreRefusedWithAReasonNeverACrash() throws {
        let files = TestSupport.Paths.sampleFiles
        guard !files.isEmpty else {
            print("skipped: no shared samples on this machine (Paths.samplesDirectory is nil)")
            return
        }
        let verifier = try pki.verifier(allowSHA1: true)
        for file in files {
            let verdict = verifier.verify(Array(try Data(contentsOf: file)))
            // Real traffic is unsigned, signed in the wrong namespace, or signed by keys we do not trust.
            #expect(!verdict.isValid, "\(file.lastPathComponent)")
            #expect(verdict.reasonCode?.isEmpty == false)
        }
    }
}
