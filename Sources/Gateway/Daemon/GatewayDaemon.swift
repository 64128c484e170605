import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import ServiceLifecycle

/// `lienthong serve`: the listeners of the configuration and the services the layers supply, in
/// one service group. SIGTERM or SIGINT starts a graceful shutdown: the listeners stop accepting
/// and let in-flight requests finish, then the workers stop, last-listed first.
public struct GatewayDaemon: Sendable {
    public let configuration: GatewayConfiguration
    public let services: GatewayServices
    public let logger: Logger
    /// A shutdown that has not finished by then is turned into cancellation.
    public var maximumGracefulShutdown: Duration = .seconds(30)

    public init(configuration: GatewayConfiguration, services: GatewayServices, logger: Logger) {
        self.configuration = configuration
        self.services = services
        self.logger = logger
    }

    public func run() async throws {
        let group = try makeServiceGroup()
        try FileManager.default.createDirectory(at: configuration.store.directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        logger.info("gateway starting", metadata: ["role": "\(configuration.role.rawValue)",
                                                    "organ_ids": "\(configuration.organIds.joined(separator: ","))"])
        try await group.run()
        logger.info("gateway stopped")
    }

    /// The group `run()` runs: workers first, then the listeners, then a service that only logs
    /// the start of a shutdown (so it is the first to hear of it). Shutdown goes in reverse order.
    public func makeServiceGroup() throws -> ServiceGroup {
        let secrets = try configuration.resolveSecrets()
        var listeners: [any Service] = []
        if let busEndpoint = configuration.listeners.busEndpoint {
            listeners.append(try application(name: "bus_endpoint", busEndpoint, secrets: secrets,
                                             router: GatewayRouters.busEndpoint(configuration: configuration, services: services)))
        }
        listeners.append(try application(name: "unit_api", configuration.listeners.unitAPI, secrets: secrets,
                                         router: GatewayRouters.unitAPI(configuration: configuration, services: services)))
        var members = (services.workers + listeners).map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) }
        members.append(.init(service: ShutdownAnnouncer(logger: logger), successTerminationBehavior: .ignore))
        var group = ServiceGroupConfiguration(services: members, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        group.maximumGracefulShutdownDuration = maximumGracefulShutdown
        return ServiceGroup(configuration: group)
    }

    private func application(name: String, _ listener: GatewayConfiguration.Listener, secrets: [String: String],
                             router: Router<GatewayRequestContext>) throws -> some Service {
        var server = HTTPServerBuilder.http1()
        if let tls = listener.tls {
            let passphrase = tls.keyPassphrase.flatMap { secrets[$0.keyPath] }
            server = try .tls(.http1(), tlsConfiguration: try tls.serverConfiguration(
                passphrase: passphrase, keyPath: "listeners.\(name).tls", configurationFile: configuration.file.path))
        }
        let listenerLogger = logger.withMetadata("listener", "\(name)")
        let scheme = listener.tls == nil ? "http" : "https"
        return Application(router: router, server: server,
                           configuration: .init(address: .hostname(listener.address, port: listener.port)),
                           onServerRunning: { channel in
                               listenerLogger.info("listening", metadata: ["url": "\(scheme)://\(listener.address):\(listener.port)",
                                                                           "local": "\(channel.localAddress.map { "\($0)" } ?? "?")"])
                           },
                           logger: listenerLogger)
    }
}

/// Logs the moment a graceful shutdown begins, then ends.
private struct ShutdownAnnouncer: Service {
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        guard !Task.isCancelled else { return }
        logger.info("shutting down: listeners stop accepting and finish in-flight requests, then workers stop")
    }
}

extension Logger {
    func withMetadata(_ key: String, _ value: Logger.Metadata.Value) -> Logger {
        var copy = self
        copy[metadataKey: key] = value
        return copy
    }
}
