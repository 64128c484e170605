import Logging
import ServiceLifecycle
import Store

/// One node (configuration → parts → services → daemon) running in this process until stopped:
/// what `bench bus` and the bus tests start. `start` returns once every listener accepts
/// connections, or throws with the reason the node ended instead.
public final class RunningNode: Sendable {
    public let configuration: GatewayConfiguration
    public let parts: GatewayParts
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    public var store: SQLiteStore { parts.store }

    private init(configuration: GatewayConfiguration, parts: GatewayParts, group: ServiceGroup, task: Task<Void, any Error>) {
        self.configuration = configuration
        self.parts = parts
        self.group = group
        self.task = task
    }

    public static func start(_ configuration: GatewayConfiguration, logger: Logger) async throws -> RunningNode {
        let parts = try GatewayParts.load(configuration)
        var daemon = GatewayDaemon(configuration: configuration, services: try GatewayAssembly.services(for: parts, logger: logger),
                                   logger: logger)
        let expected = Set(daemon.listenerNames)
        let (listening, sink) = AsyncStream<String>.makeStream()
        daemon.onListening = { name, _ in sink.yield(name) }
        let group = ServiceGroup(configuration: .init(services: try daemon.lifecycleServices(), logger: logger))
        let task = Task {
            defer { sink.finish() }
            try await group.run()
        }
        var names = Set<String>()
        for await name in listening {
            names.insert(name)
            if names.isSuperset(of: expected) { break }
        }
        guard names.isSuperset(of: expected) else {
            let ended = await task.result
            throw NodeStartFailure(missing: expected.subtracting(names).sorted(), ended: "\(ended)")
        }
        return RunningNode(configuration: configuration, parts: parts, group: group, task: task)
    }

    /// Shuts the node down gracefully and waits until it has.
    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}

/// A node that stopped before all its listeners accepted connections.
public struct NodeStartFailure: Error, CustomStringConvertible {
    public let missing: [String]
    public let ended: String

    public var description: String {
        "the node stopped before \(missing.joined(separator: ", ")) listened: \(ended)"
    }
}
