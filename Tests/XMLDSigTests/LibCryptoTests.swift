import Foundation
import LibCrypto
import TestSupport
import Testing

@Suite("LibCrypto")
struct LibCryptoTests {
    @Test func digestsMatchKnownVectorsOneShotAndStreaming() {
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Hex.encode(DigestAlgorithm.sha1.hash(Array("abc".utf8))) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(Hex.encode(DigestAlgorithm.sha512.hash(Array("abc".utf8))).hasPrefix("ddaf35a193617aba"))
        #expect(Hex.encode(DigestAlgorithm.sha384.hash(Array("abc".utf8))).hasPrefix("cb00753f45a35e8b"))
        let streaming = Digest(.sha256)
        for piece in ["a", "b", "c"] { streaming.update(piece) }
        #expect(streaming.finish() == SHA256.hash("abc"))
    }

    @Test func base64RoundTripsAndRefusesCorruption() {
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
            #expect(Base64.decode(Base64.encode(bytes, lineLength: 8)) == bytes)
        }
        #expect(Base64.decode("QUJD\n RA==") == Array("ABCD".utf8))
        #expect(Base64.decode("QUJ*RA==") == nil)
        #expect(Base64.decode("Q===") == nil)
        #expect(Base64.decode("QQ==QQ==") == nil)
        #expect(Hex.decode("00ff10") == [0, 255, 16])
        #expect(Hex.decode("0g") == nil)
    }

    @Test func rsaAndECDSASignAndVerifyWithRawConversion() throws {
        let pki = TestPKI.shared
        let data = Array("SignedInfo".utf8)
        let rsa = try pki.rsaSigner.key.sign(data, scheme: .rsaPKCS1(.sha256))
        #expect(rsa.count == 256)
        let rsaKey = try pki.rsaSigner.certificate.publicKey
        #expect(try rsaKey.verify(rsa, of: data, scheme: .rsaPKCS1(.sha256)))
        #expect(try !rsaKey.verify(rsa, of: data + [0], scheme: .rsaPKCS1(.sha256)))
        #expect(try !rsaKey.verify(rsa, of: data, scheme: .rsaPKCS1(.sha512)))

        let raw = try pki.ecSigner.key.sign(data, scheme: .ecdsa(.sha256), rawECDSA: true)
        #expect(raw.count == 64)
        let ecKey = try pki.ecSigner.certificate.publicKey
        #expect(try ecKey.verify(raw, of: data, scheme: .ecdsa(.sha256), rawECDSA: true))
        let der = try ECDSASignature.der(fromRaw: raw)
        #expect(try ecKey.verify(der, of: data, scheme: .ecdsa(.sha256)))
        #expect(try ECDSASignature.raw(fromDER: der, fieldLength: 32) == raw)
        #expect(try !ecKey.verify(Array(raw.dropLast()), of: data, scheme: .ecdsa(.sha256), rawECDSA: true))
        #expect(throws: CryptoError.self) { try rsaKey.verify(raw, of: data, scheme: .ecdsa(.sha256)) }
    }

    @Test func encryptedPKCS8KeysNeedTheirPassphrase() throws {
        let key = try PrivateKey.generateEC(.ecP384)
        #expect(key.kind == .ecP384)
        let pem = try key.pkcs8PEM(passphrase: Array("mật khẩu".utf8))
        #expect(pem.contains("BEGIN ENCRYPTED PRIVATE KEY"))
        let opened = try PrivateKey(pem: Array(pem.utf8), passphrase: Array("mật khẩu".utf8))
        #expect(try opened.publicKey.der == key.publicKey.der)
        #expect { try PrivateKey(pem: Array(pem.utf8), passphrase: Array("wrong".utf8)) } throws: { ($0 as? CryptoError)?.kind == .passphrase }
        #expect { try PrivateKey(pem: Array(pem.utf8)) } throws: { ($0 as? CryptoError)?.kind == .passphrase }
        #expect { try PrivateKey(pem: Array("not a key".utf8)) } throws: { ($0 as? CryptoError)?.kind == .malformed }
    }

    @Test func traditionalKeysFromTheOpenSSLCommandLoad() async throws {
        let openssl = URL(fileURLWithPath: "/usr/bin/openssl")
        try #require(FileManager.default.isExecutableFile(atPath: openssl.path), "the openssl command is not installed")
        let plain = try await runCommand(openssl, ["genrsa", "-traditional", "1024"])
        #expect(plain.stdout.contains("BEGIN RSA PRIVATE KEY"))
        #expect(try PrivateKey(pem: Array(plain.stdout.utf8)).kind == .rsa(bits: 1024))
        let encrypted = try await runCommand(openssl, ["genrsa", "-traditional", "-aes256", "-passout", "pass:bí mật", "1024"])
        #expect(encrypted.stdout.contains("Proc-Type: 4,ENCRYPTED"))
        #expect(try PrivateKey(pem: Array(encrypted.stdout.utf8), passphrase: Array("bí mật".utf8)).kind == .rsa(bits: 1024))
        #expect { try PrivateKey(pem: Array(encrypted.stdout.utf8), passphrase: Array("sai".utf8)) } throws: { ($0 as? CryptoError)?.kind == .passphrase }
    }

    @Test func certificateFieldsAreRead() throws {
        let certificate = TestPKI.shared.rsaSigner.certificate
        #expect(certificate.subject.commonName == "rsa signer")
        #expect(certificate.subject.serialNumber == TestPKI.organId)
        #expect(certificate.subject.values("O") == ["Văn phòng Chính phủ"])
        #expect(certificate.subject.rfc2253.contains("O=Văn phòng Chính phủ"))
        #expect(certificate.issuer == TestPKI.shared.root.certificate.subject)
        #expect(certificate.subjectAlternativeURIs == ["urn:organid:\(TestPKI.organId)"])
        #expect(certificate.keyUsage == [.digitalSignature, .nonRepudiation])
        #expect(certificate.fingerprint == SHA256.hash(certificate.der))
        #expect(!certificate.serialHex.isEmpty)
        #expect(certificate.notBefore < Date() && Date() < certificate.notAfter)
        #expect(try Certificate(pem: Array(certificate.pem.utf8)) == certificate)
        #expect(try Certificate.all(pem: Array((certificate.pem + TestPKI.shared.root.certificate.pem).utf8)).count == 2)
        #expect(throws: CryptoError.self) { try Certificate(der: Array(certificate.der.dropLast(10))) }
        #expect(TestPKI.shared.ouSigner.certificate.subject.organizationalUnits == [TestPKI.otherOrganId])
    }

    @Test func crlListsTheRevokedSerial() throws {
        let pki = TestPKI.shared
        #expect(pki.rootCRL.revokedSerials == [pki.revoked.certificate.serialHex])
        #expect(pki.rootCRL.isSigned(by: pki.root.certificate))
        #expect(!pki.rootCRL.isSigned(by: pki.intermediate.certificate))
        let reread = try CertificateRevocationList.all(pemOrDER: Array(pki.rootCRL.pem.utf8))
        #expect(reread.first?.der == pki.rootCRL.der)
        #expect(try CertificateRevocationList.all(pemOrDER: pki.rootCRL.der).first?.nextUpdate == pki.rootCRL.nextUpdate)
    }

    @Test func trustStoreClassifiesEveryChainProblem() throws {
        let pki = TestPKI.shared
        let store = try pki.trust()
        #expect(store.verify(pki.rsaSigner.certificate).isTrusted)
        #expect(store.verify(pki.rsaSigner.certificate).chain.map(\.subject) == [pki.rsaSigner.certificate.subject, pki.root.certificate.subject])
        #expect(store.verify(pki.chainedSigner.certificate, untrusted: [pki.intermediate.certificate]).isTrusted)
        #expect(store.verify(pki.chainedSigner.certificate).failure?.reason == .untrustedIssuer)
        #expect(store.verify(pki.foreignSigner.certificate).failure?.reason == .untrustedIssuer)
        #expect(store.verify(pki.selfSigned.certificate).failure?.reason == .selfSigned)
        #expect(store.verify(pki.expired.certificate).failure?.reason == .expired)
        #expect(store.verify(pki.notYetValid.certificate).failure?.reason == .notYetValid)
        #expect(store.verify(pki.revoked.certificate).failure?.reason == .revoked)
        #expect(try pki.trust(crls: false).verify(pki.revoked.certificate).isTrusted)
        // Verification at a chosen time: before the expired certificate ran out it was fine.
        #expect(store.verify(pki.expired.certificate, at: Date().addingTimeInterval(-500 * 86400)).failure?.reason != .expired)
    }

    @Test func missingCRLIsRefusedOrWarnedByPolicy() throws {
        let pki = TestPKI.shared
        // Only the root's CRL: the intermediate's certificates have none.
        let refusing = try TrustStore(anchors: [pki.root.certificate], crls: [pki.rootCRL], missingCRL: .refuse)
        #expect(refusing.verify(pki.chainedSigner.certificate, untrusted: [pki.intermediate.certificate]).failure?.reason == .crlUnavailable)
        let warning = try TrustStore(anchors: [pki.root.certificate], crls: [pki.rootCRL], missingCRL: .warn)
        let result = warning.verify(pki.chainedSigner.certificate, untrusted: [pki.intermediate.certificate])
        #expect(result.isTrusted)
        #expect(result.warnings.count == 1)
        // An expired CRL: checked after its nextUpdate.
        let later = Date().addingTimeInterval(40 * 86400)
        #expect(refusing.verify(pki.rsaSigner.certificate, at: later).failure?.reason == .crlExpired)
        #expect(warning.verify(pki.rsaSigner.certificate, at: later).isTrusted)
        // The warn policy never forgives a revocation.
        #expect(warning.verify(pki.revoked.certificate).failure?.reason == .revoked)
    }
}
