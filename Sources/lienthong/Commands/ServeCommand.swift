import ArgumentParser
import EdXML
import Foundation
import Gateway
import Logging
import Store

/// `lienthong serve --config FILE`: the gateway daemon. Runs until SIGTERM or SIGINT, then stops
/// gracefully and exits 0.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the gateway daemon described by a configuration file.",
        discussion: "Secrets come from the environment variables or files the configuration names. Stop with SIGTERM or SIGINT.")

    @Option(name: .long, help: "The TOML configuration file (see docs/gateway.example.toml).")
    var config: String

    func run() async throws {
        let configuration = try GatewayConfiguration.load(contentsOf: URL(fileURLWithPath: config))
        let level = configuration.log.level
        LoggingSystem.bootstrap { label in LogfmtLogHandler(label: label, level: level) }
        let logger = Logger(label: "lienthong")
        let services: GatewayServices
        do {
            services = try GatewayAssembly.services(for: try GatewayParts.load(configuration), logger: logger)
        } catch let error as StoreError {
            throw CommandFailure.unavailable(error.reasonCode, error.explanation)
        }
        let daemon = GatewayDaemon(configuration: configuration, services: services, logger: logger)
        do {
            try await daemon.run()
        } catch let error as any ReasonCoded {
            throw error
        } catch {
            logger.critical("gateway failed", metadata: ["error": "\(error)"])
            throw CommandFailure.unavailable("daemon.failed", "the gateway could not run: \(error)")
        }
    }
}
