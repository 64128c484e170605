import Foundation
import Testing
import TestSupport

/// `lienthong inspect`, run as a real process.
@Suite struct InspectCommandTests {
    @Test func statusIsShownReadably() async throws {
        guard let sample = Paths.sample("status_inbox__01.edxml"), FileManager.default.fileExists(atPath: sample.path) else {
            print("skipped: the shared samples folder (../shared/samples/vdxp) is not on this machine")
            return
        }
        let result = try await runCommand(Paths.binary, ["inspect", sample.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("kind:        status"))
        #expect(result.stdout.contains("from:        000.00.00.H41 (UBND Tỉnh Nghệ An)"))
        #expect(result.stdout.contains("status:      01 (arrived)"))
    }

    @Test func documentJSONIsStable() async throws {
        guard let sample = Paths.sample("edoc_update.edxml"), FileManager.default.fileExists(atPath: sample.path) else {
            print("skipped: the shared samples folder (../shared/samples/vdxp) is not on this machine")
            return
        }
        let result = try await runCommand(Paths.binary, ["inspect", "--json", sample.path])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["kind"] as? String == "document")
        #expect((object["from"] as? [String: Any])?["organId"] as? String == "000.00.00.G22")
        #expect((object["to"] as? [[String: Any]])?.count == 3)
        #expect(object["code"] as? String == "7816/VPCP-TTĐT")
        #expect((object["business"] as? [String: Any])?["name"] as? String == "update")
        let attachment = try #require((object["attachments"] as? [[String: Any]])?.first)
        #expect(attachment["zipped"] as? Bool == true)
        #expect((attachment["sha256"] as? String)?.count == 64)
        #expect((attachment["decodedSize"] as? Int ?? 0) > 0)
        let signature = try #require(object["signature"] as? [String: Any])
        #expect(signature["signatureMethod"] as? String == "http://www.w3.org/2000/09/xmldsig#rsa-sha1")
        #expect((object["findings"] as? [[String: Any]])?.first?["reasonCode"] as? String == "edxml.date_impossible")
    }

    @Test(arguments: HostileInput.allCases)
    func hostileInputExits65WithItsReasonCode(_ input: HostileInput) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.file("\(input.rawValue).edxml")
        try input.bytes.write(to: file)
        let result = try await runCommand(Paths.binary, ["inspect", file.path])
        #expect(result.status == 65, "\(input): \(result.stderr)")
        #expect(result.stderr.hasPrefix("error: \(input.expectedReasonCode): "), "\(input): \(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func fileOverTheLimitIsRefusedWithoutReadingIt() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.file("huge.edxml")
        try makeSparseFile(at: file, size: 1 << 30)
        let result = try await runCommand(Paths.binary, ["inspect", file.path])
        #expect(result.status == 65)
        #expect(result.stderr.hasPrefix("error: xml.too_large: "), "\(result.stderr)")
    }

    @Test func missingFileAndUsage() async throws {
        let missing = try await runCommand(Paths.binary, ["inspect", "/nonexistent/lienthong/x.edxml"])
        #expect(missing.status == 65)
        #expect(missing.stderr.hasPrefix("error: io.unreadable: "))
        let usage = try await runCommand(Paths.binary, ["inspect"])
        #expect(usage.status == 64)
    }
}
