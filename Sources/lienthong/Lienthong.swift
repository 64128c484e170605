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
            Lienthong.exit(withError: error)
        }
    }
}
