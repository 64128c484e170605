import ArgumentParser
import EdXML
import Foundation

/// The root command. Each subcommand lives in `Commands/`, one file per command or group.
struct Lienthong: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lienthong",
        abstract: "The interconnection gateway (trục liên thông) for inter-agency edXML document exchange.",
        version: "0.1.0",
        subcommands: [
            BenchCommand.self,
            InspectCommand.self,
            ValidateCommand.self,
            BuildCommand.self,
            ServeCommand.self,
            DemoCommand.self,
            DoctorCommand.self,
            OperatorCommand.self,
            QueueCommand.self,
            InboxCommand.self,
            AgencyCommand.self,
            SignCommand.self,
            VerifyCommand.self,
            PKICommand.self,
        ]
    )
}

@main
enum Main {
    static func main() async {
        do {
            var command = try Lienthong.parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let failure as CommandFailure {
            failure.report()
            exit(failure.exitCode.rawValue)
        } catch let refusal as any ReasonCoded {
            CommandFailure.refused(refusal).report()
            exit(ExitCode.inputRefused.rawValue)
        } catch {
            reportUnmapped(error)
        }
    }

    /// The argument parser's own errors and anything no command mapped, in the contract's form:
    /// help and `--version` as the parser prints them; a usage error as `usage.invalid` (64),
    /// followed by the parser's usage lines; anything else as `internal.unexpected` (70), so
    /// no failure leaves with the parser's exit 1 and its `Error:` line.
    private static func reportUnmapped(_ error: any Error) -> Never {
        let code = Lienthong.exitCode(for: error)
        if code == .success { Lienthong.exit(withError: error) }
        if let exitCode = error as? ExitCode { exit(exitCode.rawValue) }
        guard code == .validationFailure else {
            CommandFailure.internalError("internal.unexpected", "\(error)").report()
            exit(ExitCode.internalError.rawValue)
        }
        let message = Lienthong.message(for: error)
        let full = Lienthong.fullMessage(for: error)
        // The full message is `Error: <message>` and then help and usage lines; keep those.
        let rest = full.hasPrefix("Error: " + message) ? String(full.dropFirst("Error: ".count + message.count)) : ""
        var text = "error: usage.invalid: \(message)"
        if !rest.isEmpty { text += rest.hasPrefix("\n") ? rest : "\n" + rest }
        FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
        exit(ExitCode.usage.rawValue)
    }
}
