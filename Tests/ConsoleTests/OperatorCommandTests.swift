import Foundation
import LibCrypto
import Store
import Testing
import TestSupport

@Suite("lienthong operator")
struct OperatorCommandTests {
    @Test func addListChangePasswordAndRemove() async throws {
        let directory = try TemporaryDirectory(prefix: "operator-cli")
        defer { directory.remove() }
        let store = ["--store", directory.file("store").path]
        let password = Data("mật khẩu thật dài\n".utf8)
        let added = try await runCommand(Paths.binary, ["operator", "add", "an"] + store, stdin: password)
        #expect(added.status == 0, "\(added.stderr)")
        #expect(try await runCommand(Paths.binary, ["operator", "add", "binh", "--role", "read-only"] + store, stdin: password).status == 0)

        let again = try await runCommand(Paths.binary, ["operator", "add", "an"] + store, stdin: password)
        #expect(again.status == 65)
        #expect(again.stderr.contains("error: operator.exists:"))
        let weak = try await runCommand(Paths.binary, ["operator", "add", "chi"] + store, stdin: Data("short\n".utf8))
        #expect(weak.status == 65)
        #expect(weak.stderr.contains("error: operator.weak_password:"))
        let badRole = try await runCommand(Paths.binary, ["operator", "add", "chi", "--role", "admin"] + store, stdin: password)
        #expect(badRole.stderr.contains("error: operator.invalid_role:"))
        let badName = try await runCommand(Paths.binary, ["operator", "add", "a b"] + store, stdin: password)
        #expect(badName.stderr.contains("error: operator.invalid_name:"))

        let listed = try await runCommand(Paths.binary, ["operator", "ls"] + store)
        let lines = listed.stdout.split(separator: "\n").map { $0.split(separator: "\t").prefix(2).joined(separator: " ") }
        #expect(lines == ["an operator", "binh read-only"])
        let listedAsJSON = try await runCommand(Paths.binary, ["operator", "ls", "--json"] + store)
        #expect(listedAsJSON.status == 0, "\(listedAsJSON.stderr)")
        let accounts = try #require(try JSONSerialization.jsonObject(with: Data(listedAsJSON.stdout.utf8)) as? [[String: Any]])
        #expect(accounts.map { $0["name"] as? String } == ["an", "binh"])
        #expect(accounts.map { $0["role"] as? String } == ["operator", "read-only"])
        #expect(accounts.allSatisfy { ($0["createdAt"] as? String).flatMap(ISO8601DateFormatter().date(from:)) != nil })
        #expect(!listedAsJSON.stdout.contains("scrypt"), "the hashes stay in the store")

        let opened = try SQLiteStore(directory: directory.file("store"))
        let before = try #require(try await opened.operatorAccount(named: "an"))
        #expect(before.passwordHash.hasPrefix("scrypt$32768$8$1$"))
        #expect(PasswordHash.verify("mật khẩu thật dài", against: before.passwordHash))
        #expect(!before.passwordHash.contains("mật khẩu"))

        #expect(try await runCommand(Paths.binary, ["operator", "passwd", "an"] + store, stdin: Data("một mật khẩu khác\n".utf8)).status == 0)
        let after = try #require(try await opened.operatorAccount(named: "an"))
        #expect(PasswordHash.verify("một mật khẩu khác", against: after.passwordHash))
        #expect(!PasswordHash.verify("mật khẩu thật dài", against: after.passwordHash))

        #expect(try await runCommand(Paths.binary, ["operator", "rm", "binh"] + store).status == 0)
        let missing = try await runCommand(Paths.binary, ["operator", "rm", "binh"] + store)
        #expect(missing.status == 65)
        #expect(missing.stderr.contains("error: operator.not_found:"))
        #expect(try await opened.operators().map(\.name) == ["an"])
    }

    @Test func passwordHashesAreSaltedAndRejectMalformedEncodings() {
        let cheap = PasswordHash.Parameters(n: 1 << 10, r: 8, p: 1)
        let first = PasswordHash.make("same password", parameters: cheap)
        let second = PasswordHash.make("same password", parameters: cheap)
        #expect(first != second)
        #expect(PasswordHash.verify("same password", against: first))
        #expect(PasswordHash.verify("same password", against: second))
        #expect(!PasswordHash.verify("Same password", against: first))
        #expect(PasswordHash.verify("", against: PasswordHash.make("", parameters: cheap)))
        for malformed in ["", "scrypt", "scrypt$1024$8$1$zz$00", "bcrypt$1024$8$1$00$00", "scrypt$99999999999$8$1$00$"
                          + String(repeating: "00", count: 32), String(first.dropLast(2))] {
            #expect(!PasswordHash.verify("same password", against: malformed))
        }
    }
}
