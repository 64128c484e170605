import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import LibMalloc
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
    /// Told each listener's name and URL once it accepts connections (the demo waits for all).
    public var onListening: (@Sendable (_ listener: String, _ url: String) -> Void)?

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
        var members = try lifecycleServices().map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) }
        members.append(.init(service: ShutdownAnnouncer(logger: logger), successTerminationBehavior: .ignore))
        var group = ServiceGroupConfiguration(services: members, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        group.maximumGracefulShutdownDuration = maximumGracefulShutdown
        return ServiceGroup(configuration: group)
    }

    /// The listeners `lifecycleServices()` opens, by name.
    public var listenerNames: [String] {
        (configuration.listeners.busEndpoint == nil ? [] : ["bus_endpoint"])
            + (configuration.listeners.busAPI == nil ? [] : ["bus_api"]) + ["unit_api"]
    }

    /// The node's services in start order (workers, then listeners), for a group that runs
    /// several nodes in one process (the demo).
    public func lifecycleServices() throws -> [any Service] {
        // Process-wide and idempotent, so every node of a demo may ask for it.
        HeapRetention.keepLargeBlocks(environment: ProcessInfo.processInfo.environment)
        let secrets = try configuration.resolveSecrets()
        var listeners: [any Service] = []
        if let busEndpoint = configuration.listeners.busEndpoint {
            listeners.append(try application(name: "bus_endpoint", busEndpoint, secrets: secrets,
                                             router: GatewayRouters.busEndpoint(configuration: configuration, services: services)))
        }
        if let busAPI = configuration.listeners.busAPI {
            listeners.append(try application(name: "bus_api", busAPI, secrets: secrets,
                                             router: GatewayRouters.busAPI(configuration: configuration, services: services)))
        }
        listeners.append(try application(name: "unit_api", configuration.listeners.unitAPI, secrets: secrets,
                                         router: GatewayRouters.unitAPI(configuration: configuration, services: services)))
        return services.workers + listeners
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
        let url = "\(listener.tls == nil ? "http" : "https")://\(listener.address):\(listener.port)"
        let onListening = self.onListening
        return Application(router: router, server: server,
                           configuration: .init(address: .hostname(listener.address, port: listener.port)),
                           onServerRunning: { channel in
                               listenerLogger.info("listening", metadata: ["url": "\(url)",
                                                                           "local": "\(channel.localAddress.map { "\($0)" } ?? "?")"])
                               onListening?(name, url)
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
