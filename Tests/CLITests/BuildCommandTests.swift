import Foundation
import Testing
import TestSupport

/// `lienthong build --json META.json [--attach FILE]… -o OUT.edxml`
@Suite struct BuildCommandTests {
    static let example = Paths.packageRoot.appendingPathComponent("docs/examples/first-document.json")
    static let exampleText = Paths.packageRoot.appendingPathComponent("docs/examples/first-document.txt")

    @Test func exampleBuildsValidatesAndInspects() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let output = directory.file("first.edxml")
        let build = try await runCommand(Paths.binary, ["build", "--json", Self.example.path, "--attach", Self.exampleText.path, "-o", output.path])
        #expect(build.status == 0, "\(build.stderr)")
        #expect(build.stdout.contains("000.00.00.H43,2026/11/25,125/UBND-VP"))

        let validate = try await runCommand(Paths.binary, ["validate", output.path])
        #expect(validate.status == 0, "\(validate.stdout)\(validate.stderr)")

        let inspect = try await runCommand(Paths.binary, ["inspect", "--json", output.path])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(inspect.stdout.utf8)) as? [String: Any])
        #expect(object["subject"] as? String == "V/v thử nghiệm gửi văn bản điện tử qua trục liên thông")
        #expect((object["trace"] as? [[String: Any]])?.first?["organId"] as? String == "000.00.00.H43")
        let attachment = try #require((object["attachments"] as? [[String: Any]])?.first)
        #expect(attachment["name"] as? String == "first-document.txt")
        let size = try FileManager.default.attributesOfItem(atPath: Self.exampleText.path)[.size] as? Int
        #expect(attachment["decodedSize"] as? Int == size)

        let text = try String(contentsOf: output, encoding: .utf8)
        #expect(text.contains("<edXML:FullName>Nguyễn Thị Ánh Dương</edXML:FullName>"))
    }

    @Test func badDescriptionExits65() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let json = directory.file("bad.json")
        try Data(#"{"from": {"organId": "000.00.00.H41"}, "to": [], "code": {"number": "1", "notation": "A"}, "subject": "x", "colour": "red"}"#.utf8).write(to: json)
        let result = try await runCommand(Paths.binary, ["build", "--json", json.path, "-o", directory.file("out.edxml").path])
        #expect(result.status == 65)
        #expect(result.stderr.hasPrefix("error: build.invalid_json: "), "\(result.stderr)")
        #expect(result.stderr.contains("colour"))
        #expect(!FileManager.default.fileExists(atPath: directory.file("out.edxml").path))
    }

    @Test func documentBreakingTheRulesIsNotWritten() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let json = directory.file("norecipient.json")
        try Data(#"{"from": {"organId": "000.00.00.H41"}, "to": [], "code": {"number": "1", "notation": "A"}, "subject": "x", "type": {"type": 1}}"#.utf8).write(to: json)
        let result = try await runCommand(Paths.binary, ["build", "--json", json.path, "-o", directory.file("out.edxml").path])
        #expect(result.status == 65)
        #expect(result.stderr.contains("error: edxml.missing_recipient: "), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.file("out.edxml").path))
    }

    @Test func missingAttachmentExits65() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let result = try await runCommand(Paths.binary, ["build", "--json", Self.example.path, "--attach", "/nonexistent/lienthong/a.pdf",
                                     "-o", directory.file("out.edxml").path])
        #expect(result.status == 65)
        #expect(result.stderr.hasPrefix("error: edxml.attachment_unreadable: "), "\(result.stderr)")
    }
}

extension BuildCommandTests {
    @Test func anExistingOutputIsReplaced() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let output = directory.file("out.edxml")
        try Data("old".utf8).write(to: output)
        let result = try await runCommand(Paths.binary, ["build", "--json", Self.example.path, "-o", output.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try String(contentsOf: output, encoding: .utf8).hasPrefix("<?xml"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path) == ["out.edxml"])
    }
}
