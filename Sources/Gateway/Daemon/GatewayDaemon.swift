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
        let secrets = try configuration.resolveSecrets()
        var listeners: [any Service] = []
        if let busEndpoint = configuration.listeners.busEndpoint {
            listeners.append(try application(name: "bus_endpoint", busEndpoint, secrets: secrets,
                                             router: GatewayRouters.busEndpoint(configuration: configuration, services: services)))
        }
        listeners.append(try application(name: "unit_api", configuration.listeners.unitAPI, secrets: secrets,
                                         router: GatewayRouters.unitAPI(configuration: configuration, services: services)))

        var group = ServiceGroupConfiguration(services: services.workers + listeners,
                                              gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        group.maximumGracefulShutdownDuration = maximumGracefulShutdown
        logger.info("gateway starting", metadata: ["role": "\(configuration.role.rawValue)",
                                                    "organ_ids": "\(configuration.organIds.joined(separator: ","))"])
        try await ServiceGroup(configuration: group).run()
        logger.info("gateway stopped")
    }

    private func application(name: String, _ listener: GatewayConfiguration.Listener, secrets: [String: String],
                             router: Router<GatewayRequestContext>) throws -> some Service {
        var server = HTTPServerBuilder.http1()
        if let tls = listener.tls {
            let passphrase = tls.keyPassphrase.flatMap { secrets[$0.keyPath] }
            server = try .tls(.http1(), tlsConfiguration: try tls.serverConfiguration(passphrase: passphrase))
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

extension Logger {
    func withMetadata(_ key: String, _ value: Logger.Metadata.Value) -> Logger {
        var copy = self
        copy[metadataKey: key] = value
        return copy
    }
}
