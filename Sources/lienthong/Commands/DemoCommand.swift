import ArgumentParser
import Foundation
import Gateway
import Logging
import Store

/// `lienthong demo [--data DIR] [--port-base N]`: a whole exchange network on one machine.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run a bus and two agencies' gateways on loopback, talking over mutual TLS.",
        discussion: """
            The first start makes a development PKI, unit tokens and a console account in the data \
            directory; later starts reuse them and resume the queues. When everything listens, one line \
            `ready {json}` gives the URLs and tokens, followed by a short guide. Stop with Ctrl-C or SIGTERM.
            """)

    @Option(name: .long, help: "Where the demo keeps its PKI, configurations and stores.")
    var data: String = "demo-data"

    @Option(name: .long, help: "The first of the loopback ports the demo uses (it needs about 16 from there).")
    var portBase: Int = 18_000

    @Flag(name: .long, help: "Only write the PKI, tokens and configurations, print the ready line and exit: run each node yourself with `lienthong serve --config DIR/<node>.toml`.")
    var prepareOnly = false

    @Option(name: .long, help: "Log level of the nodes (logs go to standard error).")
    var logLevel: String = "notice"

    func validate() throws {
        guard (1024...65_000).contains(portBase) else { throw ValidationError("--port-base must be between 1024 and 65000") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level must be trace, debug, info, notice, warning, error or critical") }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .notice
        LoggingSystem.bootstrap { label in LogfmtLogHandler(label: label, level: level) }
        let network = DemoNetwork(directory: URL(fileURLWithPath: data), portBase: portBase, logger: Logger(label: "lienthong.demo"))
        do {
            if prepareOnly {
                let secrets = try network.prepare()
                print(DemoGuide.readyLine(network.readiness(secrets: secrets)))
                return
            }
            try await network.run { ready, _ in
                // Unbuffered: a script reading the pipe sees the ready line at once.
                let text = DemoGuide.readyLine(ready) + "\n" + DemoGuide.text(ready, dataDirectory: network.layout.directory.path) + "\n"
                FileHandle.standardOutput.write(Data(text.utf8))
            }
        } catch let error as StoreError {
            throw CommandFailure.unavailable(error.reasonCode, error.explanation)
        } catch let error as DemoPortInUse {
            throw CommandFailure.unavailable(error.reasonCode, error.explanation)
        }
    }
}
