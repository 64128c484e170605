import Foundation
import Gateway
import HummingbirdTesting
import TestSupport

/// What `lienthong demo --prepare-only` prints after `ready `.
struct ReadyLine: Decodable, Sendable {
    struct Gateway: Decodable, Sendable {
        let organId: String
        let api: String
        let token: String
    }
    let bus: String
    let console: String?
    let gateways: [Gateway]
}

/// A bus and two gateways as three separate `lienthong serve` processes, with the configurations
/// `lienthong demo --prepare-only` writes on free loopback ports: the network of separate
/// machines, on one. Nodes can be killed and restarted; everything stops when this is released.
final class ExchangeNetwork: @unchecked Sendable {
    let directory: TemporaryDirectory
    let portBase: Int
    let ready: ReadyLine
    private(set) var bus: DaemonProcess
    private(set) var gateways: [DaemonProcess]

    var nodeNames: [String] { ["bus", "gateway-a", "gateway-b"] }

    struct StartFailed: Error, CustomStringConvertible {
        let description: String
    }

    private init(directory: TemporaryDirectory, portBase: Int, ready: ReadyLine) throws {
        self.directory = directory
        self.portBase = portBase
        self.ready = ready
        bus = try Self.launch("bus", in: directory)
        gateways = try ["gateway-a", "gateway-b"].map { try Self.launch($0, in: directory) }
    }

    /// A node that could not bind a port of its block exits with EADDRINUSE while another
    /// network's node may answer `/healthz` on that port (seen once in CI, session 23): such a
    /// start is thrown away and the network started again on another block.
    ///
    /// With `polling`, the demo's configurations are changed before any node starts so that both
    /// gateways poll the bus (`delivery = "poll"`, every second) and the bus holds what it
    /// routes in their mailboxes instead of pushing it.
    static func start(polling: Bool = false) async throws -> ExchangeNetwork {
        try await LoopbackPorts.onFreeBlock(count: 16, retryingWhen: { $0 is StartFailed }) { base in
            let directory = try TemporaryDirectory()
            let prepared = try await runCommand(Paths.binary, ["demo", "--prepare-only", "--data", directory.url.path,
                                                          "--port-base", "\(base)"], timeout: 120)
            guard prepared.status == 0, let line = prepared.stdout.split(separator: "\n").first(where: { $0.hasPrefix("ready ") }) else {
                directory.remove()
                throw StartFailed(description: "demo --prepare-only failed (\(prepared.status)): \(prepared.stderr)")
            }
            if polling { try switchToPolling(in: directory) }
            let ready = try JSONDecoder().decode(ReadyLine.self, from: Data(line.dropFirst("ready ".count).utf8))
            let network = try ExchangeNetwork(directory: directory, portBase: base, ready: ready)
            do {
                try await network.waitUntilHealthy()
                return network
            } catch {
                network.stop()
                throw error
            }
        }
    }

    private static func switchToPolling(in directory: TemporaryDirectory) throws {
        func edit(_ node: String, _ change: (String) -> String) throws {
            let file = directory.file("\(node).toml")
            let text = try String(contentsOf: file, encoding: .utf8)
            let changed = change(text)
            guard changed != text else { throw StartFailed(description: "\(node).toml has nothing to switch to polling") }
            try Data(changed.utf8).write(to: file)
        }
        try edit("bus") { text in
            text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("push_endpoint = ") }.joined(separator: "\n")
        }
        for gateway in ["gateway-a", "gateway-b"] {
            try edit(gateway) { $0.replacingOccurrences(of: "delivery = \"push\"", with: "delivery = \"poll\"\npoll_interval = \"1s\"") }
        }
    }

    private static func launch(_ node: String, in directory: TemporaryDirectory) throws -> DaemonProcess {
        try DaemonProcess(configuration: directory.file("\(node).toml"), directory: directory.url, stderrName: "\(node).stderr")
    }

    /// The unit API ports whose `/healthz` say a node is up: the bus's console listener, each gateway's API.
    private var healthPorts: [Int] {
        [portBase + 1] + ready.gateways.compactMap { URL(string: $0.api)?.port }
    }

    func waitUntilHealthy() async throws {
        for port in healthPorts {
            guard await Self.answers(port: port) else {
                throw StartFailed(description: "a node on port \(port) did not come up:\n\(logs)")
            }
        }
        // A port ours could not bind may be answered by someone else's node: each of ours must
        // still be running.
        if let exited = zip(nodeNames, [bus] + gateways).first(where: { !$0.1.isRunning }) {
            throw StartFailed(description: "\(exited.0) exited while starting:\n\(logs)")
        }
    }

    /// Polls `/healthz` (bounded: about 30 s).
    static func answers(port: Int) async -> Bool {
        for _ in 0..<300 {
            let status = try? await TestClient.withClient(host: "127.0.0.1", port: port,
                                                          configuration: .init(timeout: .seconds(5))) { client in
                try await client.get("/healthz").status
            }
            if status == .ok { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// Kills the bus without warning (SIGKILL) and starts it again on the same store.
    func crashAndRestartBus() async throws {
        _ = await bus.stop(signal: SIGKILL)
        bus = try Self.launch("bus", in: directory)
        try await waitUntilHealthy()
    }

    func crashAndRestartGateway(_ index: Int) async throws {
        _ = await gateways[index].stop(signal: SIGKILL)
        gateways[index] = try Self.launch(["gateway-a", "gateway-b"][index], in: directory)
        try await waitUntilHealthy()
    }

    /// The last 40 lines of each node's log.
    var logs: String {
        nodeNames.map { name in "--- \(name)\n" + log(of: name).split(separator: "\n").suffix(40).joined(separator: "\n") }
            .joined(separator: "\n")
    }

    /// Everything `node` (`bus`, `gateway-a`, `gateway-b`) has logged so far.
    func log(of node: String) -> String {
        (try? String(contentsOf: directory.file("\(node).stderr"), encoding: .utf8)) ?? ""
    }

    func stop() {
        for process in [bus] + gateways where process.isRunning { _ = process.stop(signal: SIGTERM) }
        directory.remove()
    }
}
