import Foundation
import Gateway
import Store

/// What `serve` adds for operators: the console and `/metrics` on the unit API listener, and the
/// store's readiness probe. Certificates, keys and bus contact are fed by the layers that own them.
enum OperatorSurfaceWiring {
    static func add(to services: inout GatewayServices, configuration: GatewayConfiguration) throws {
        // Created here with the daemon's mode (700), before the store would create it with the umask's.
        try? FileManager.default.createDirectory(at: configuration.store.directory, withIntermediateDirectories: true,
                                                 attributes: [.posixPermissions: 0o700])
        let store: SQLiteStore
        do { store = try SQLiteStore(directory: configuration.store.directory) } catch let error as StoreError {
            throw CommandFailure.unavailable(error.reasonCode, error.explanation)
        }
        services.operatorSurface = try OperatorSurface(store: store)
        services.readinessProbes.append(OperatorReadinessProbes.storeWritable(store))
    }
}
