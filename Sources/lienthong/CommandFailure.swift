import ArgumentParser
import EdXML
import Foundation

/// Exit codes of the command-line contract (sysexits): 0 success, 64 usage, 65 input refused,
/// 69 a needed service unavailable, 70 internal error.
extension ExitCode {
    static let usage = ExitCode(64)
    static let inputRefused = ExitCode(65)
    static let unavailable = ExitCode(69)
    static let internalError = ExitCode(70)
}

/// A failure the command line reports as `error: <reason-code>: <sentence>` on standard error.
struct CommandFailure: Error {
    let reasonCode: String
    let message: String
    let exitCode: ExitCode

    static func refused(_ error: any ReasonCoded) -> CommandFailure {
        CommandFailure(reasonCode: error.reasonCode, message: error.explanation, exitCode: .inputRefused)
    }

    static func refused(_ reasonCode: String, _ message: String) -> CommandFailure {
        CommandFailure(reasonCode: reasonCode, message: message, exitCode: .inputRefused)
    }

    static func unavailable(_ reasonCode: String, _ message: String) -> CommandFailure {
        CommandFailure(reasonCode: reasonCode, message: message, exitCode: .unavailable)
    }

    static func internalError(_ reasonCode: String, _ message: String) -> CommandFailure {
        CommandFailure(reasonCode: reasonCode, message: message, exitCode: .internalError)
    }

    func report() {
        FileHandle.standardError.write(Data("error: \(reasonCode): \(message)\n".utf8))
    }
}
