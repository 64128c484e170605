import Foundation
import Testing
import TestSupport

/// DESIGN.md's command-line contract, across commands: usage errors, unreadable and unwritable
/// files, help and version, each with its exit code and an `error: <reason-code>: …` line.
@Suite struct CommandContractTests {
    /// Usage errors of every kind the argument parser finds, and those the commands' own
    /// validation finds: exit 64, the contract's line first, the parser's usage lines after it.
    @Test(arguments: [
        ["frobnicate"],
        ["queue", "ls", "--state", "bogus", "--store", "/nonexistent/lienthong-store"],
        ["sign", "--key", "k.pem", "--cert", "c.pem", "in.edxml"],
        ["demo", "--port-base", "3"],
        ["doctor", "--config", "x.toml", "--timeout", "0"],
        ["inspect", "a.edxml", "--no-such-flag"],
    ])
    func usageErrorsExit64WithTheContractsLine(_ arguments: [String]) async throws {
        let result = try await runCommand(Paths.binary, arguments)
        #expect(result.status == 64, "\(arguments): \(result.stderr)")
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first?.hasPrefix("error: usage.invalid: ") == true, "\(arguments): \(result.stderr)")
        #expect(lines.contains { $0.hasPrefix("Usage: lienthong") }, "\(arguments): \(result.stderr)")
        #expect(!result.stderr.contains("Error: "), "the parser's own prefix is replaced")
        #expect(result.stdout.isEmpty)
    }

    @Test func helpAndVersionStillGoToStandardOutputWithExitZero() async throws {
        let help = try await runCommand(Paths.binary, ["queue", "ls", "--help"])
        #expect(help.status == 0, "\(help.stderr)")
        #expect(help.stdout.contains("USAGE: lienthong queue ls"))
        #expect(help.stderr.isEmpty)
        let version = try await runCommand(Paths.binary, ["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3, "\(version.stdout)")
    }

    /// One reason code, one exit code: a file named on the command line that cannot be read is
    /// `io.unreadable` with 65 whichever command reads it.
    @Test(arguments: [
        ["inspect", "/nonexistent/lienthong/x.edxml"],
        ["validate", "/nonexistent/lienthong/x.edxml"],
        ["sign", "--key", "/nonexistent/k.pem", "--cert", "/nonexistent/c.pem", "/nonexistent/x.edxml", "-o", "/nonexistent/y.edxml"],
        ["verify", "--trust", "/nonexistent/trust.pem", "/nonexistent/x.edxml"],
    ])
    func anUnreadableFileIsRefusedWith65(_ arguments: [String]) async throws {
        let result = try await runCommand(Paths.binary, arguments)
        #expect(result.status == 65, "\(arguments): \(result.stderr)")
        #expect(result.stderr.hasPrefix("error: io.unreadable: "), "\(arguments): \(result.stderr)")
    }

    @Test func trustAnchorsThatAreNotCertificatesAreRefusedWith65() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try Data("not a certificate\n".utf8).write(to: directory.file("trust.pem"))
        try Data("<a/>".utf8).write(to: directory.file("x.edxml"))
        let result = try await runCommand(Paths.binary, ["verify", "--trust", directory.file("trust.pem").path, directory.file("x.edxml").path])
        #expect(result.status == 65, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("error: trust.unreadable: "), "\(result.stderr)")
    }

    /// A place that cannot be written (here below a regular file, which even root cannot
    /// create a directory in) is `io.unwritable`, 69, not the parser's exit 1.
    @Test func aPKIThatCannotBeWrittenIsUnavailableWith69() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try Data("a file".utf8).write(to: directory.file("file"))
        let result = try await runCommand(Paths.binary, ["pki", "dev", "--out", directory.file("file/pki").path, "--org", "000.00.00.G22"])
        #expect(result.status == 69, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("error: io.unwritable: cannot write the PKI to "), "\(result.stderr)")
    }
}
