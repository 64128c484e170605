import ArgumentParser
import Foundation

/// Reading the files and secrets commands are given, with failures in the CLI's error form.
enum InputFiles {
    static func read(_ path: String, what: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandFailure(reasonCode: "io.unreadable", message: "cannot read \(what) \(path)", exitCode: .inputRefused)
        }
        return Array(data)
    }

    /// A document to sign or verify, mapped rather than copied (envelopes run to hundreds of MB).
    static func readDocument(_ path: String) throws -> Data {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw CommandFailure(reasonCode: "io.unreadable", message: "cannot read envelope \(path)", exitCode: .inputRefused)
        }
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw CommandFailure(reasonCode: "io.unwritable", message: "cannot write \(path): \(error.localizedDescription)", exitCode: .unavailable)
        }
    }
}

/// Where a key's passphrase comes from: an environment variable or a file, never an argument
/// (arguments show in `ps` and shell history).
struct PassphraseOptions: ParsableArguments {
    static let defaultVariable = "LIENTHONG_KEY_PASSPHRASE"

    @Option(name: .long, help: ArgumentHelp("Environment variable holding the key's passphrase (default \(PassphraseOptions.defaultVariable) when set).", valueName: "NAME"))
    var passphraseEnv: String?

    @Option(name: .long, help: ArgumentHelp("File whose content (one trailing newline dropped) is the key's passphrase.", valueName: "FILE"))
    var passphraseFile: String?

    func passphrase() throws -> [UInt8]? {
        if let passphraseFile {
            var bytes = try InputFiles.read(passphraseFile, what: "passphrase file")
            if bytes.last == 0x0a { bytes.removeLast() }
            if bytes.last == 0x0d { bytes.removeLast() }
            return bytes
        }
        let environment = ProcessInfo.processInfo.environment
        if let passphraseEnv {
            guard let value = environment[passphraseEnv] else {
                throw CommandFailure(reasonCode: "key.passphrase_missing", message: "environment variable \(passphraseEnv) is not set", exitCode: .usage)
            }
            return Array(value.utf8)
        }
        return environment[Self.defaultVariable].map { Array($0.utf8) }
    }
}
