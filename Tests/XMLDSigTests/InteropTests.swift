import Foundation
import LibCrypto
import TestSupport
import Testing
@testable import XMLDSig

/// Interop both ways with xmlsec1 and signxml: what we sign they verify, what they sign we
/// verify, and a one-byte change in the signed content or in an attachment's base64 is refused
/// by all three.
@Suite("Interop with xmlsec1 and signxml", .serialized)
struct InteropTests {
    let pki = TestPKI.shared

    /// A scratch directory with the test PKI's PEM files and one unsigned envelope.
    struct Workspace {
        let directory: TemporaryDirectory
        func path(_ name: String) -> String { directory.file(name).path }

        init(pki: TestPKI) throws {
            directory = try TemporaryDirectory(prefix: "lienthong-interop")
            try pki.write(to: directory.url)
            try Data(Envelopes.document()).write(to: directory.file("unsigned.xml"))
            try Data(Peers.signxmlScript.utf8).write(to: directory.file("peer.py"))
        }

        func write(_ bytes: [UInt8], _ name: String) throws -> String {
            try Data(bytes).write(to: directory.file(name))
            return path(name)
        }

        func read(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: directory.file(name))) }
    }

    // MARK: peers as verifiers

    static func xmlsecAccepts(_ xmlsec: URL, _ file: String, trust: String) async throws -> Bool {
        let result = try await runCommand(xmlsec, ["--verify", "--trusted-pem", trust, "--enabled-reference-uris", "empty", file], timeout: 30)
        return result.status == 0
    }

    /// signxml's answer per file, from one Python process.
    static func signxmlAccepts(_ python: URL, _ files: [String], in workspace: Workspace) async throws -> [String: Bool] {
        let result = try await runCommand(python, [workspace.path("peer.py"), "verify", workspace.path("root.pem")] + files, timeout: 60)
        var answers: [String: Bool] = [:]
        for line in result.stdout.split(separator: "\n") {
            if line.hasPrefix("ok ") { answers[String(line.dropFirst(3))] = true }
            if line.hasPrefix("fail ") {
                let rest = line.dropFirst(5)
                answers[String(rest.prefix { $0 != ":" })] = false
            }
        }
        return answers
    }

    // MARK: peers as signers

    static func signWithXmlsec(_ xmlsec: URL, in workspace: Workspace) async throws -> [UInt8] {
        let template = Envelopes.document().replacing("</edXML:TraceHeaderList>", with: "</edXML:TraceHeaderList>" + Peers.xmlsecTemplate)
        let input = try workspace.write(template, "xmlsec-template.xml")
        let result = try await runCommand(xmlsec, ["--sign", "--privkey-pem", "\(workspace.path("rsa.key")),\(workspace.path("rsa.pem"))",
                                             "--output", workspace.path("xmlsec-signed.xml"), input], timeout: 30)
        #expect(result.status == 0, "xmlsec1 --sign failed: \(result.stderr)")
        return try workspace.read("xmlsec-signed.xml")
    }

    static func signWithSignxml(_ python: URL, in workspace: Workspace) async throws -> [UInt8] {
        let result = try await runCommand(python, [workspace.path("peer.py"), "sign", workspace.path("rsa.key"), workspace.path("rsa.pem"),
                                             workspace.path("unsigned.xml"), workspace.path("signxml-signed.xml")], timeout: 60)
        #expect(result.status == 0, "signxml failed: \(result.stderr)")
        return try workspace.read("signxml-signed.xml")
    }

    static let contentMarker = "Văn phòng Chính phủ</edXML:OrganName>"
    static var attachmentMarker: String { String(Base64.encode(Array("Nội dung tệp đính kèm".utf8)).prefix(8)) }

    // MARK: tests

    @Test(.enabled(if: Peers.xmlsec1 != nil || Peers.isCI, Comment(rawValue: Peers.xmlsec1Missing)))
    func xmlsec1BothWays() async throws {
        let xmlsec = try #require(Peers.xmlsec1, Comment(rawValue: Peers.xmlsec1Missing))
        let workspace = try Workspace(pki: pki)
        defer { workspace.directory.remove() }
        let ours = try workspace.write(try Envelopes.signed(pki.rsaSigner), "ours.xml")
        #expect(try await Self.xmlsecAccepts(xmlsec, ours, trust: workspace.path("root.pem")))
        let oursWritten = try workspace.write(try Envelopes.writtenAndSigned(pki.rsaSigner), "ours-written.xml")
        #expect(try await Self.xmlsecAccepts(xmlsec, oursWritten, trust: workspace.path("root.pem")))
        let theirs = try await Self.signWithXmlsec(xmlsec, in: workspace)
        let verdict = try pki.verifier().verify(theirs)
        #expect(verdict.isValid, "\(verdict.summary)")
        #expect(verdict.algorithms?.signature == .rsaSHA256)
        // xmlsec1 itself refuses a signer it was not told to trust.
        let foreign = try workspace.write(try Envelopes.signed(pki.foreignSigner, method: .ecdsaSHA256), "foreign.xml")
        #expect(try await !Self.xmlsecAccepts(xmlsec, foreign, trust: workspace.path("root.pem")))
    }

    @Test(.enabled(if: Peers.python != nil || Peers.isCI, Comment(rawValue: Peers.signxmlMissing)))
    func signxmlBothWays() async throws {
        let python = try #require(Peers.python, Comment(rawValue: Peers.signxmlMissing))
        let workspace = try Workspace(pki: pki)
        defer { workspace.directory.remove() }
        let ours = try workspace.write(try Envelopes.signed(pki.rsaSigner), "ours.xml")
        let oursEC = try workspace.write(try Envelopes.signed(pki.ecSigner, method: .ecdsaSHA256), "ours-ec.xml")
        let oursSHA512 = try workspace.write(try Envelopes.signed(pki.rsaSigner, method: .rsaSHA512), "ours-512.xml")
        let oursWritten = try workspace.write(try Envelopes.writtenAndSigned(pki.rsaSigner), "ours-written.xml")
        let answers = try await Self.signxmlAccepts(python, [ours, oursEC, oursSHA512, oursWritten], in: workspace)
        #expect(answers[ours] == true)
        #expect(answers[oursWritten] == true)
        #expect(answers[oursEC] == true)
        #expect(answers[oursSHA512] == true)
        let theirs = try await Self.signWithSignxml(python, in: workspace)
        let verdict = try pki.verifier().verify(theirs)
        #expect(verdict.isValid, "\(verdict.summary)")
    }

    @Test(.enabled(if: (Peers.xmlsec1 != nil && Peers.python != nil) || Peers.isCI,
                   Comment(rawValue: Peers.xmlsec1Missing + "; or " + Peers.signxmlMissing)))
    func oneByteChangesAreRefusedByAllThree() async throws {
        let xmlsec = try #require(Peers.xmlsec1, Comment(rawValue: Peers.xmlsec1Missing))
        let python = try #require(Peers.python, Comment(rawValue: Peers.signxmlMissing))
        let workspace = try Workspace(pki: pki)
        defer { workspace.directory.remove() }
        let originals: [(String, [UInt8])] = [
            ("lienthong", try Envelopes.signed(pki.rsaSigner)),
            ("xmlsec1", try await Self.signWithXmlsec(xmlsec, in: workspace)),
            ("signxml", try await Self.signWithSignxml(python, in: workspace)),
        ]
        var valid: [String] = []
        var tampered: [String] = []
        for (signer, bytes) in originals {
            valid.append(try workspace.write(bytes, "\(signer)-valid.xml"))
            tampered.append(try workspace.write(bytes.changingOneByte(at: Self.contentMarker), "\(signer)-content.xml"))
            tampered.append(try workspace.write(bytes.changingOneByte(at: Self.attachmentMarker), "\(signer)-attachment.xml"))
        }
        let verifier = try pki.verifier()
        let peerAnswers = try await Self.signxmlAccepts(python, valid + tampered, in: workspace)
        for file in valid {
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
            #expect(verifier.verify(bytes).isValid, "lienthong refused \(file)")
            #expect(try await Self.xmlsecAccepts(xmlsec, file, trust: workspace.path("root.pem")), "xmlsec1 refused \(file)")
            #expect(peerAnswers[file] == true, "signxml refused \(file)")
        }
        for file in tampered {
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
            #expect(verifier.verify(bytes).reasonCode == "signature.digest_mismatch", "lienthong on \(file)")
            #expect(try await !Self.xmlsecAccepts(xmlsec, file, trust: workspace.path("root.pem")), "xmlsec1 accepted \(file)")
            #expect(peerAnswers[file] == false, "signxml accepted \(file)")
        }
    }
}
