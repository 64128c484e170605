import Foundation
import TestSupport
import Testing

/// `lienthong pki dev`, `sign` and `verify` as a user runs them: real processes, real files.
@Suite("sign, verify and pki dev commands", .serialized)
struct SignatureCommandTests {
    static let organId = "000.00.00.G22"

    private static func lienthong(_ arguments: [String], environment: [String: String]? = nil) async throws -> CommandResult {
        try await runCommand(Paths.binary, arguments, environment: environment)
    }

    static func envelope(from organId: String = organId, subject: String = "Thử ký số") -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">
          <edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">
            <edXML:edXMLHeader>
              <edXML:MessageHeader>
                <edXML:From><edXML:OrganId>\(organId)</edXML:OrganId></edXML:From>
                <edXML:To><edXML:OrganId>000.00.00.H41</edXML:OrganId></edXML:To>
                <edXML:Subject>\(subject)</edXML:Subject>
              </edXML:MessageHeader>
              <edXML:TraceHeaderList><edXML:TraceHeader><edXML:OrganId>\(organId)</edXML:OrganId></edXML:TraceHeader></edXML:TraceHeaderList>
            </edXML:edXMLHeader>
            <edXML:edXMLBody/>
          </edXML:edXMLEnvelope>
        </edXML>

        """
    }

    /// One development PKI shared by the tests that only read it (RSA key generation is the slow part).
    static let sharedPKI: TemporaryDirectory? = try? makePKI()

    /// A scratch directory whose `pki` folder is the shared PKI (removing the scratch leaves it alone).
    static func scratchWithPKI() throws -> TemporaryDirectory {
        let shared = try #require(sharedPKI, "pki dev failed")
        let directory = try TemporaryDirectory(prefix: "lienthong-sign")
        try FileManager.default.createSymbolicLink(at: directory.file("pki"), withDestinationURL: shared.file("pki"))
        return directory
    }

    /// A fresh development PKI for org ids G22 and H41, and the directory it lives in, removed
    /// when the test process exits.
    static func makePKI() throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory.forTheRun(prefix: "lienthong-pki")
        let result = try runCommand(Paths.binary, ["pki", "dev", "--out", directory.file("pki").path, "--org", organId, "--org", "000.00.00.H41"])
        #expect(result.status == 0, "\(result.stderr)")
        return directory
    }

    @Test func pkiDevWritesEveryPartyAndKeepsKeysPrivate() async throws {
        let directory = try #require(Self.sharedPKI, "pki dev failed")
        let pki = directory.file("pki")
        for name in ["trust.pem", "crl.pem", "root-ca.pem", "root-ca.key", "bus.pem", "bus.key", "org-\(Self.organId).pem",
                     "org-000.00.00.H41.key", "tls-server.pem", "tls-server.key", "tls-client.pem", "tls-client.key", "revoked.pem"] {
            #expect(FileManager.default.fileExists(atPath: pki.appendingPathComponent(name).path), "missing \(name)")
        }
        let attributes = try FileManager.default.attributesOfItem(atPath: pki.appendingPathComponent("bus.key").path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let again = try await Self.lienthong(["pki", "dev", "--out", pki.path])
        #expect(again.status == 64)
        #expect(again.stderr.contains("error: pki.exists:"))
    }

    @Test func signThenVerifyWithTheOrganisationsCertificate() async throws {
        let directory = try Self.scratchWithPKI()
        defer { directory.remove() }
        let pki = directory.file("pki").path
        try Data(Self.envelope().utf8).write(to: directory.file("in.edxml"))
        let signed = directory.file("signed.edxml").path
        let sign = try await Self.lienthong(["sign", "--key", "\(pki)/org-\(Self.organId).key", "--cert", "\(pki)/org-\(Self.organId).pem",
                                   directory.file("in.edxml").path, "-o", signed])
        #expect(sign.status == 0, "\(sign.stderr)")

        let verify = try await Self.lienthong(["verify", "--trust", "\(pki)/trust.pem", "--crl", "\(pki)/crl.pem", "--expect-org", Self.organId, signed])
        #expect(verify.status == 0, "\(verify.stderr)")
        #expect(verify.stdout.hasPrefix("valid; signer"))
        #expect(verify.stdout.contains("organid \(Self.organId)"))
        #expect(verify.stdout.split(separator: "\n").count == 1)

        let otherOrg = try await Self.lienthong(["verify", "--trust", "\(pki)/trust.pem", "--expect-org", "000.00.00.H41", signed])
        #expect(otherOrg.status == 65)
        #expect(otherOrg.stderr.hasPrefix("error: sender.unexpected: "))

        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: signed)))
        let subject = Array("Thử ký số".utf8)
        let index = try #require(bytes.indices.first { bytes[$0...].starts(with: subject) })
        bytes[index] = UInt8(ascii: "t")
        try Data(bytes).write(to: directory.file("tampered.edxml"))
        let tampered = try await Self.lienthong(["verify", "--trust", "\(pki)/trust.pem", directory.file("tampered.edxml").path])
        #expect(tampered.status == 65)
        #expect(tampered.stderr.hasPrefix("error: signature.digest_mismatch: "))

        // --json: the whole verdict on standard output, valid or refused; the exit code and the
        // error line stay as they are.
        let validJSON = try await Self.lienthong(["verify", "--json", "--trust", "\(pki)/trust.pem", "--expect-org", Self.organId, signed])
        #expect(validJSON.status == 0, "\(validJSON.stderr)")
        let valid = try #require(try JSONSerialization.jsonObject(with: Data(validJSON.stdout.utf8)) as? [String: Any])
        #expect(valid["valid"] as? Bool == true)
        #expect(valid["reasonCode"] == nil)
        let signer = try #require(valid["signer"] as? [String: Any])
        #expect(signer["organId"] as? String == Self.organId)
        #expect((signer["fingerprintSHA256"] as? String)?.count == 64)
        let algorithms = try #require(valid["algorithms"] as? [String: Any])
        #expect(algorithms["signature"] as? String == "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256")
        #expect(valid["claimedSender"] as? String == Self.organId)
        let checks = try #require(valid["checks"] as? [[String: Any]])
        #expect(checks.contains { $0["check"] as? String == "sender" && $0["result"] as? String == "passed" })
        #expect(checks.allSatisfy { $0["result"] as? String != "failed" })
        let refusedJSON = try await Self.lienthong(["verify", "--json", "--trust", "\(pki)/trust.pem", directory.file("tampered.edxml").path])
        #expect(refusedJSON.status == 65)
        #expect(refusedJSON.stderr.hasPrefix("error: signature.digest_mismatch: "))
        let refused = try #require(try JSONSerialization.jsonObject(with: Data(refusedJSON.stdout.utf8)) as? [String: Any])
        #expect(refused["valid"] as? Bool == false)
        #expect(refused["reasonCode"] as? String == "signature.digest_mismatch")
        #expect((refused["checks"] as? [[String: Any]])?.last?["result"] as? String == "failed")

        let unsigned = try await Self.lienthong(["verify", "--trust", "\(pki)/trust.pem", directory.file("in.edxml").path])
        #expect(unsigned.status == 65)
        #expect(unsigned.stderr.hasPrefix("error: signature.missing: "))
    }

    @Test func aCertificateOfAnotherOrganisationIsNotBoundToTheSender() async throws {
        let directory = try Self.scratchWithPKI()
        defer { directory.remove() }
        let pki = directory.file("pki").path
        try Data(Self.envelope().utf8).write(to: directory.file("in.edxml"))
        let signed = directory.file("signed.edxml").path
        #expect(try await Self.lienthong(["sign", "--key", "\(pki)/org-000.00.00.H41.key", "--cert", "\(pki)/org-000.00.00.H41.pem",
                                "--alg", "rsa-sha512", directory.file("in.edxml").path, "-o", signed]).status == 0)
        #expect(try await Self.lienthong(["verify", "--trust", "\(pki)/trust.pem", signed]).status == 0)
        let bound = try await Self.lienthong(["verify", "--trust", "\(pki)/trust.pem", "--bind-sender", signed])
        #expect(bound.status == 65)
        #expect(bound.stderr.hasPrefix("error: sender.not_bound: "))
    }

    @Test func theRevokedCertificateIsRefusedOnlyWithTheCRL() async throws {
        let directory = try Self.scratchWithPKI()
        defer { directory.remove() }
        let pki = directory.file("pki").path
        try Data(Self.envelope(from: "000.00.00.X99").utf8).write(to: directory.file("in.edxml"))
        let signed = directory.file("signed.edxml").path
        #expect(try await Self.lienthong(["sign", "--key", "\(pki)/revoked.key", "--cert", "\(pki)/revoked.pem",
                                directory.file("in.edxml").path, "-o", signed]).status == 0)
        #expect(try await Self.lienthong(["verify", "--trust", "\(pki)/trust.pem", signed]).status == 0)
        let withCRL = try await Self.lienthong(["verify", "--trust", "\(pki)/trust.pem", "--crl", "\(pki)/crl.pem", signed])
        #expect(withCRL.status == 65)
        #expect(withCRL.stderr.hasPrefix("error: cert.revoked: "))
    }

    @Test func encryptedKeysTakeTheirPassphraseFromTheEnvironmentOrAFile() async throws {
        let openssl = URL(fileURLWithPath: "/usr/bin/openssl")
        try #require(FileManager.default.isExecutableFile(atPath: openssl.path), "the openssl command is not installed")
        let directory = try Self.scratchWithPKI()
        defer { directory.remove() }
        let pki = directory.file("pki").path
        let encryptedKey = directory.file("encrypted.key").path
        let convert = try await runCommand(openssl, ["pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", "\(pki)/org-\(Self.organId).key",
                                               "-out", encryptedKey, "-passout", "pass:mật khẩu"])
        #expect(convert.status == 0, "\(convert.stderr)")
        try Data(Self.envelope().utf8).write(to: directory.file("in.edxml"))
        let base = ["sign", "--key", encryptedKey, "--cert", "\(pki)/org-\(Self.organId).pem", directory.file("in.edxml").path,
                    "-o", directory.file("signed.edxml").path]

        let noPassphrase = try await Self.lienthong(base, environment: ["LIENTHONG_KEY_PASSPHRASE": ""])
        #expect(noPassphrase.status == 65)
        #expect(noPassphrase.stderr.hasPrefix("error: key.unusable: "))

        let fromEnvironment = try await Self.lienthong(base + ["--passphrase-env", "SIGNING_PASS"], environment: ["SIGNING_PASS": "mật khẩu"])
        #expect(fromEnvironment.status == 0, "\(fromEnvironment.stderr)")

        try Data("mật khẩu\n".utf8).write(to: directory.file("pass.txt"))
        let fromFile = try await Self.lienthong(base + ["--passphrase-file", directory.file("pass.txt").path])
        #expect(fromFile.status == 0, "\(fromFile.stderr)")

        let asArgument = try await Self.lienthong(base + ["--passphrase", "mật khẩu"])
        #expect(asArgument.status == 64)
        #expect(try await Self.lienthong(["verify", "--trust", "\(pki)/trust.pem", directory.file("signed.edxml").path]).status == 0)
    }
}
