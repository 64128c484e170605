import ArgumentParser
import Foundation
import LibCrypto
import Store

/// `lienthong operator …`: the accounts of the web console, kept in the store.
struct OperatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "operator",
        abstract: "Add, list, re-password and remove web console accounts.",
        discussion: "Passwords are read from standard input (one line), never from the command line, and stored as scrypt hashes.",
        subcommands: [OperatorAdd.self, OperatorList.self, OperatorPasswd.self, OperatorRemove.self]
    )

    /// The first line of standard input; refuses an empty or short password.
    static func readPassword() throws -> String {
        if isatty(STDIN_FILENO) == 1 { FileHandle.standardError.write(Data("password: ".utf8)) }
        guard let line = readLine(strippingNewline: true), line.count >= 10 else {
            throw CommandFailure.refused("operator.weak_password", "give a password of at least 10 characters on standard input")
        }
        return line
    }
}

struct OperatorAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Create an account.")
    @OptionGroup var store: StoreLocationOptions
    @Argument(help: "The account's name (letters, digits, . _ - @).") var name: String
    @Option(help: "operator (may act on messages) or read-only.") var role: String = OperatorRole.operator.rawValue

    func run() async throws {
        guard let role = OperatorRole(rawValue: role) else {
            throw CommandFailure.refused("operator.invalid_role", "the role is operator or read-only, found \(self.role)")
        }
        let password = try OperatorCommand.readPassword()
        let opened: SQLiteStore
        do { opened = try SQLiteStore(directory: store.resolve()) } catch let error as StoreError {
            throw CommandFailure.unavailable(error.reasonCode, error.explanation)
        }
        try await storeCall {
            try await opened.addOperator(OperatorAccount(name: name, role: role, passwordHash: PasswordHash.make(password), createdAt: Date()))
        }
        print("operator \(name) added (\(role.rawValue))")
    }
}

struct OperatorList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ls", abstract: "List the accounts.")
    @OptionGroup var store: StoreLocationOptions
    @Flag(help: "Print the accounts as a JSON array (name, role, createdAt); never their password hashes.") var json = false

    /// What `--json` prints of an account.
    struct Listed: Encodable {
        let name: String
        let role: String
        let createdAt: Date
    }

    func run() async throws {
        let opened = try store.open()
        let accounts = try await storeCall({ try await opened.operators() })
        if json {
            try JSONOutput.print(accounts.map { Listed(name: $0.name, role: $0.role.rawValue, createdAt: $0.createdAt) })
            return
        }
        let formatter = ISO8601DateFormatter()
        for account in accounts {
            print("\(account.name)\t\(account.role.rawValue)\t\(formatter.string(from: account.createdAt))")
        }
    }
}

struct OperatorPasswd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "passwd", abstract: "Set an account's password.")
    @OptionGroup var store: StoreLocationOptions
    @Argument(help: "The account's name.") var name: String

    func run() async throws {
        let opened = try store.open()
        let password = try OperatorCommand.readPassword()
        try await storeCall { try await opened.setOperatorPassword(name, passwordHash: PasswordHash.make(password)) }
        print("password of \(name) changed")
    }
}

struct OperatorRemove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rm", abstract: "Remove an account.")
    @OptionGroup var store: StoreLocationOptions
    @Argument(help: "The account's name.") var name: String

    func run() async throws {
        let opened = try store.open()
        try await storeCall { try await opened.removeOperator(name) }
        print("operator \(name) removed")
    }
}
