import Foundation
import LibCrypto
import Logging
import ServiceLifecycle
import Store
import Synchronization
import XMLDSig

/// `lienthong demo`: a bus and two gateways in one process on loopback, each node with its own
/// configuration, store and listeners, the gateways talking to the bus over mutual TLS exactly
/// as separate machines would. Everything lives in one data directory that survives restarts.
public struct DemoNetwork: Sendable {
    /// What scripts read from the `ready` line.
    public struct Ready: Codable, Sendable, Equatable {
        public struct Gateway: Codable, Sendable, Equatable {
            public let organId: String
            public let api: String
            public let token: String
        }
        public let bus: String
        public let console: String?
        public let gateways: [Gateway]
    }

    public static let organIds = DevelopmentPKI.defaultOrganIds

    public let layout: DemoLayout
    public let logger: Logger
    /// The level written into the nodes' configuration files, for a node run on its own with
    /// `lienthong serve` (in this process, `logger` decides).
    public let nodeLogLevel: Logger.Level

    public init(directory: URL, portBase: Int, logger: Logger, nodeLogLevel: Logger.Level = .info) {
        layout = DemoLayout(directory: directory, portBase: portBase, organIds: Self.organIds,
                            busOrganId: DevelopmentPKI.busOrganId)
        self.logger = logger
        self.nodeLogLevel = nodeLogLevel
    }

    /// Makes what a first start needs (PKI, secrets) and rewrites the configuration files.
    public func prepare() throws -> DemoSecrets {
        let files = FileManager.default
        try files.createDirectory(at: layout.directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        if !files.fileExists(atPath: layout.pkiDirectory.appendingPathComponent("trust.pem").path) {
            logger.info("making the development PKI", metadata: ["directory": "\(layout.pkiDirectory.path)"])
            try DevelopmentPKI.generate(organIds: layout.agencies.map(\.organId)).write(to: layout.pkiDirectory)
        }
        let secrets = try DemoSecrets.loadOrMake(for: layout)
        try Data(DemoConfigurations.bus(layout: layout, logLevel: nodeLogLevel).utf8).write(to: layout.busConfiguration)
        for agency in layout.agencies {
            try Data(DemoConfigurations.gateway(agency, layout: layout, secrets: secrets, logLevel: nodeLogLevel).utf8)
                .write(to: layout.configuration(of: agency))
        }
        return secrets
    }

    /// Runs the three nodes until SIGTERM or SIGINT or the task's cancellation, each of which
    /// shuts them down gracefully; `onReady` is
    /// called once every listener accepts connections, with each node's store by node name
    /// (`bus`, `gateway-a`, …) for in-process observers such as `bench exchange`.
    public func run(onReady: @escaping @Sendable (Ready, [String: SQLiteStore]) -> Void) async throws {
        // Checked before any node opens: a taken port would otherwise surface as a bind error
        // after the others had started, under their shutdown messages.
        if let taken = layout.listeners.first(where: { !LoopbackPorts.isFree($0.port) }) {
            throw DemoPortInUse(port: taken.port, purpose: taken.purpose, layout: layout)
        }
        let secrets = try prepare()
        let files = [layout.busConfiguration] + layout.agencies.map(layout.configuration(of:))
        var daemons: [GatewayDaemon] = []
        var stores: [String: SQLiteStore] = [:]
        for file in files {
            let configuration = try GatewayConfiguration.load(contentsOf: file)
            let parts = try GatewayParts.load(configuration)
            let node = file.deletingPathExtension().lastPathComponent
            let nodeLogger = logger.withMetadata("node", "\(node)")
            stores[node] = parts.store
            if configuration.role == .bus { try await ensureConsoleAccount(parts.store, secrets: secrets) }
            daemons.append(GatewayDaemon(configuration: configuration,
                                         services: try GatewayAssembly.services(for: parts, logger: nodeLogger),
                                         logger: nodeLogger))
        }
        let expected = daemons.reduce(0) { $0 + $1.listenerNames.count }
        let ready = readiness(secrets: secrets)
        let nodeStores = stores
        let listening = Mutex(0)
        var members: [ServiceGroupConfiguration.ServiceConfiguration] = []
        for var daemon in daemons {
            daemon.onListening = { _, _ in
                let count = listening.withLock { count in
                    count += 1
                    return count
                }
                if count == expected { onReady(ready, nodeStores) }
            }
            members += try daemon.lifecycleServices().map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) }
        }
        var configuration = ServiceGroupConfiguration(services: members, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = .seconds(30)
        let group = ServiceGroup(configuration: configuration)
        // Cancelling this task shuts the nodes down gracefully instead of cancelling them: a
        // cancelled server may drop a connection it accepted but did not serve yet, and NIO traps
        // on that (swift-nio#3481; `bench exchange` crashed so about once in 40 runs). The group
        // runs in a task of its own so the cancellation does not reach it.
        let running = Task { try await group.run() }
        try await withTaskCancellationHandler {
            try await running.value
        } onCancel: {
            Task { await group.triggerGracefulShutdown() }
        }
    }

    /// The URLs and tokens of the network, as the `ready` line gives them.
    public func readiness(secrets: DemoSecrets) -> Ready {
        Ready(bus: layout.busURL, console: "http://127.0.0.1:\(layout.busConsolePort)/console",
              gateways: layout.agencies.map {
                  Ready.Gateway(organId: $0.organId, api: layout.unitAPI(of: $0), token: secrets.tokens[$0.node] ?? "")
              })
    }

    private func ensureConsoleAccount(_ store: SQLiteStore, secrets: DemoSecrets) async throws {
        guard try await store.operatorAccount(named: secrets.consoleUser) == nil else { return }
        try await store.addOperator(OperatorAccount(name: secrets.consoleUser, role: .operator,
                                                    passwordHash: PasswordHash.make(secrets.consolePassword), createdAt: Date()))
    }
}
