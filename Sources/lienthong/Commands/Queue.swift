import ArgumentParser
import Foundation
import Gateway
import Store

/// `lienthong queue …`: see and steer every outbound message, with the daemon running or not.
struct QueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "List, inspect and steer the messages of the delivery queue.",
        subcommands: [QueueList.self, QueueShow.self, QueueRetry.self, QueueHold.self, QueueRelease.self,
                      QueueCancel.self, QueueStatsCommand.self, QueuePurge.self]
    )
}

/// Where the store is: `--store DIR`, else the `[store] directory` of `--config FILE`, else
/// `$LIENTHONG_STORE`.
struct StoreLocationOptions: ParsableArguments {
    @Option(name: .customLong("store"), help: ArgumentHelp("The store directory (default: the configuration's, else $LIENTHONG_STORE).", valueName: "DIR"))
    var directory: String?
    @Option(name: .customLong("config"), help: ArgumentHelp("The gateway's TOML configuration, whose [store] directory is used.", valueName: "FILE"))
    var configFile: String?

    static let environmentVariable = "LIENTHONG_STORE"

    func resolve() throws -> URL {
        if let directory { return URL(fileURLWithPath: directory) }
        if let configFile {
            return try GatewayConfiguration.load(contentsOf: URL(fileURLWithPath: configFile)).store.directory
        }
        if let path = ProcessInfo.processInfo.environment[Self.environmentVariable], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        throw CommandFailure(reasonCode: "config.store_missing",
                             message: "no store given: pass --store DIR or --config FILE, or set \(Self.environmentVariable)",
                             exitCode: .usage)
    }

    /// Opens an existing store (never creates one: an operator's typo must not make an empty queue).
    func open() throws -> SQLiteStore {
        let directory = try resolve()
        guard SQLiteStore.exists(at: directory) else {
            throw CommandFailure.unavailable("store.not_found", "there is no store in \(directory.path)")
        }
        do {
            return try SQLiteStore(directory: directory)
        } catch let error as StoreError {
            throw CommandFailure.unavailable(error.reasonCode, error.explanation)
        }
    }
}

/// Who is acting, for the operator-action log.
struct OperatorOptions: ParsableArguments {
    @Option(help: "Who is acting, for the operator-action log (default: $USER).")
    var actor: String?

    var name: String {
        actor ?? ProcessInfo.processInfo.environment["USER"].flatMap { $0.isEmpty ? nil : $0 } ?? "operator"
    }
}

extension StoreError {
    /// A store refusal as the command line reports it: not-found and wrong input are refusals (65).
    var commandFailure: CommandFailure { .refused(self) }
}

/// Runs a store call, turning its errors into the command line's failures.
func storeCall<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as StoreError {
        throw error.reasonCode.hasPrefix("store.") ? CommandFailure.unavailable(error.reasonCode, error.explanation)
                                                   : error.commandFailure
    }
}
