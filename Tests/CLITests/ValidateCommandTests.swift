import Foundation
import Testing
import TestSupport

/// `lienthong validate`: exit 0 when valid, 65 with every finding otherwise.
@Suite struct ValidateCommandTests {
    @Test(arguments: ["status_finish_06.edxml", "edoc_replacement.edxml", "edoc_new.edxml"])
    func validSamplesExitZero(_ name: String) async throws {
        guard let sample = Paths.sample(name), FileManager.default.fileExists(atPath: sample.path) else {
            print("skipped: the shared samples folder (../shared/samples/vdxp) is not on this machine")
            return
        }
        let result = try await runCommand(Paths.binary, ["validate", sample.path])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("valid "))
        let asJSON = try await runCommand(Paths.binary, ["validate", "--json", sample.path])
        #expect(asJSON.status == 0, "\(asJSON.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(asJSON.stdout.utf8)) as? [String: Any])
        #expect(report["valid"] as? Bool == true)
        #expect(report["kind"] as? String == (name.hasPrefix("status") ? "status" : "document"))
    }

    @Test func invalidSampleListsEveryFinding() async throws {
        guard let sample = Paths.sample("edoc.edxml"), FileManager.default.fileExists(atPath: sample.path) else {
            print("skipped: the shared samples folder (../shared/samples/vdxp) is not on this machine")
            return
        }
        let result = try await runCommand(Paths.binary, ["validate", sample.path])
        #expect(result.status == 65)
        #expect(result.stderr.hasPrefix("error: schema.invalid: 2 errors"), "\(result.stderr)")
        #expect(result.stdout.contains("line 125: error: schema.invalid: "))
        #expect(result.stdout.contains("line 126: error: edxml.attachment_not_base64: "))

        let asJSON = try await runCommand(Paths.binary, ["validate", "--json", sample.path])
        #expect(asJSON.status == 65)
        #expect(asJSON.stderr.hasPrefix("error: schema.invalid: 2 errors (listed in the report)"), "\(asJSON.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(asJSON.stdout.utf8)) as? [String: Any])
        #expect(report["valid"] as? Bool == false)
        #expect(report["kind"] as? String == "document")
        let findings = try #require(report["findings"] as? [[String: Any]])
        let errors = findings.filter { $0["severity"] as? String == "error" }
        #expect(errors.map { $0["reasonCode"] as? String } == ["schema.invalid", "edxml.attachment_not_base64"])
        #expect(errors.map { $0["line"] as? Int } == [125, 126])
    }

    @Test func strictFlagTurnsUnknownOrganIdsIntoErrors() async throws {
        guard let sample = Paths.sample("delivered_2025-10_9e272474-0603-48a2-b525-9cd1af689612.edxml"),
              FileManager.default.fileExists(atPath: sample.path) else {
            print("skipped: the shared samples folder (../shared/samples/vdxp) is not on this machine")
            return
        }
        #expect(try await runCommand(Paths.binary, ["validate", sample.path]).status == 0)
        let strict = try await runCommand(Paths.binary, ["validate", "--strict", sample.path])
        #expect(strict.status == 65)
        #expect(strict.stderr.hasPrefix("error: organid.malformed: "), "\(strict.stderr)")
    }

    @Test(arguments: [HostileInput.billionLaughs, .deepNesting, .invalidUTF8, .truncated])
    func hostileInputExits65(_ input: HostileInput) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.file("in.edxml")
        try input.bytes.write(to: file)
        let result = try await runCommand(Paths.binary, ["validate", file.path])
        #expect(result.status == 65)
        #expect(result.stderr.hasPrefix("error: \(input.expectedReasonCode): "), "\(result.stderr)")
    }

    @Test func missingSchemasAreUnavailable() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.file("in.edxml")
        try HostileInput.truncated.bytes.write(to: file)
        let result = try await runCommand(Paths.binary, ["validate", "--schemas", directory.url.path, file.path])
        #expect(result.status == 69)
        #expect(result.stderr.hasPrefix("error: schema.not_found: "), "\(result.stderr)")
    }
}
