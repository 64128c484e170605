import Foundation
import Spawn
import Synchronization
import Gateway
import Store

/// The network `bench exchange` measures, with what the bench needs of it: the unit APIs,
/// B's store to watch arrivals in, and the CPU the nodes have used.
struct BenchExchangeNetwork: Sendable {
    let ready: DemoNetwork.Ready
    let inbox: SQLiteStore
    let cpu: @Sendable () -> BenchCPUTimes
    let stop: @Sendable () async -> Void
    /// Each node's niceness (its threads' lowest) as `/proc` shows it when called (nil in one
    /// process).
    var niceness: @Sendable () -> NodeNiceness? = { nil }

    /// The demo network in this process: the three nodes share one runtime and its thread pools.
    static func inProcess(_ network: DemoNetwork) async throws -> BenchExchangeNetwork {
        let (started, continuation) = AsyncStream<(DemoNetwork.Ready, [String: SQLiteStore])>.makeStream()
        // Finished when `run` ends, so a network that fails to start (a port taken) ends the
        // wait below instead of leaving it waiting for ever.
        let running = Task {
            defer { continuation.finish() }
            try await network.run { ready, stores in continuation.yield((ready, stores)) }
        }
        var iterator = started.makeAsyncIterator()
        guard let (ready, stores) = await iterator.next(), let recipient = network.layout.agencies.last,
              let inbox = stores[recipient.node], ready.gateways.count == 2 else {
            running.cancel()
            var reason = ""
            do { try await running.value } catch { reason = ": \(error)" }
            throw CommandFailure.unavailable("bench.not_started", "the demo network did not start\(reason)")
        }
        return BenchExchangeNetwork(ready: ready, inbox: inbox, cpu: { BenchCPUTimes(bench: ProcessCPU.seconds(.this)) }, stop: {
            running.cancel()
            _ = try? await running.value
        })
    }

    /// The demo network's configuration files, each run by a `lienthong serve` process of its
    /// own, as on three machines.
    /// `othersNiceness`: every thread of the bus and of the receiving gateway runs at that
    /// niceness (`ThreadNicenessKeeper`), so the sender's work is served first, as on a machine
    /// of its own.
    static func separateProcesses(_ network: DemoNetwork, othersNiceness: Int? = nil) async throws -> BenchExchangeNetwork {
        let secrets = try network.prepare()
        let nodes = try ExchangeNodeProcesses(layout: network.layout, othersNiceness: othersNiceness)
        do {
            try await nodes.waitUntilListening()
            guard let recipient = network.layout.agencies.last else { throw CommandFailure.unavailable("bench.not_started", "the demo has no agency") }
            let inbox = try SQLiteStore(directory: network.layout.directory.appendingPathComponent(recipient.node))
            return BenchExchangeNetwork(ready: network.readiness(secrets: secrets), inbox: inbox,
                                        cpu: { BenchCPUTimes(bench: ProcessCPU.seconds(.this), nodes: nodes.cpu) },
                                        stop: { nodes.stop() }, niceness: { nodes.niceness })
        } catch {
            nodes.stop()
            throw error
        }
    }
}

/// One `lienthong serve` per node of the demo layout, each node's standard error in
/// `NODE.stderr` in the data directory. Each child leads a process group of its own, so a
/// Ctrl-C reaches only the bench: on SIGINT or SIGTERM the bench stops the nodes, removes the
/// data directory and exits.
final class ExchangeNodeProcesses: @unchecked Sendable {
    private let layout: DemoLayout
    private var processes: [(node: String, process: ChildProcess)] = []
    private var signalSources: [any DispatchSourceSignal] = []
    private var nicenessKeeper: ThreadNicenessKeeper?
    /// Set when SIGINT or SIGTERM arrived: the handler stops the nodes, removes the data and
    /// exits with 128 + the signal, so the bench's own path must not exit first (with the
    /// error of a submission to a node the handler just stopped).
    static let interrupted = Atomic<Bool>(false)

    init(layout: DemoLayout, othersNiceness: Int?) throws {
        self.layout = layout
        let executable = URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        for file in [layout.busConfiguration] + layout.agencies.map(layout.configuration(of:)) {
            let node = file.deletingPathExtension().lastPathComponent
            let log = layout.directory.appendingPathComponent("\(node).stderr")
            do {
                processes.append((node, try ChildProcess(executable.path, ["serve", "--config", file.path],
                                                         stdout: .null, stderr: .file(log.path, append: false))))
            } catch {
                stop()
                throw error
            }
        }
        // The sender (the first agency) keeps the bench's niceness.
        if let othersNiceness {
            nicenessKeeper = ThreadNicenessKeeper(niceness: othersNiceness,
                                                  pids: processes.enumerated().filter { $0.offset != 1 }.map { $0.element.process.pid })
        }
        // Installed once the nodes run: a child inherits an ignored signal, and ignoring them is
        // how a dispatch source takes them over.
        signalSources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in
                Self.interrupted.store(true, ordering: .sequentiallyConsistent)
                self?.stop()
                try? FileManager.default.removeItem(at: layout.directory)
                // `_exit`: nothing else of the bench is worth finishing, and exit handlers run
                // from this thread while the bench's other threads still work are not safe.
                _exit(128 + number)
            }
            source.resume()
            return source
        }
    }

    /// Waits (at most 60 s) until every listener of the layout is bound, or fails with the logs
    /// of a node that exited. A port found bound may be another program's that took it after the
    /// block was chosen (the node then exits with EADDRINUSE), so every node must still be running
    /// once all are bound.
    func waitUntilListening() async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while layout.listeners.contains(where: { LoopbackPorts.isFree($0.port) }) {
            try failIfANodeEnded()
            guard ContinuousClock.now < deadline else {
                throw CommandFailure.unavailable("bench.not_started", "the nodes did not all listen within 60 s")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        try failIfANodeEnded()
    }

    private func failIfANodeEnded() throws {
        guard let exited = processes.first(where: { !$0.process.isRunning }) else { return }
        throw CommandFailure.unavailable("bench.not_started", "the node \(exited.node) ended (\(exited.process.exit.map(String.init(describing:)) ?? "?")):\n\(log(of: exited.node))")
    }

    /// Each node's CPU so far: the processes are the bus, the sender and the recipient, in that order.
    var cpu: BenchCPUTimes.NodeCPU? {
        let seconds = processes.map { ProcessCPU.seconds(.running($0.process.pid)) }
        guard seconds.count == 3 else { return nil }
        return BenchCPUTimes.NodeCPU(bus: seconds[0], sender: seconds[1], recipient: seconds[2])
    }

    /// The nodes' niceness as `/proc` shows it (each the lowest of its threads): the bus, the
    /// sender, the recipient. With `--nice-others`, read once the keeper has made a pass.
    var niceness: NodeNiceness? {
        let settled = nicenessKeeper?.settledNiceness() ?? [:]
        let values = processes.map { settled[$0.process.pid] ?? ProcessCPU.niceness($0.process.pid) }
        guard values.count == 3, let bus = values[0], let sender = values[1], let recipient = values[2] else { return nil }
        return NodeNiceness(bus: bus, sender: sender, recipient: recipient)
    }

    /// SIGTERM (a graceful stop), then SIGKILL for a node still running after 30 s.
    func stop() {
        nicenessKeeper?.stop()
        for (_, process) in processes { process.signal(SIGTERM) }
        let deadline = ContinuousClock.now + .seconds(30)
        for (_, process) in processes where process.waitUntilExit(timeout: deadline - .now) == nil { process.kill() }
    }

    private func log(of node: String) -> String {
        let text = (try? String(contentsOf: layout.directory.appendingPathComponent("\(node).stderr"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(20).joined(separator: "\n")
    }

    deinit {
        stop()
        for source in signalSources { source.cancel() }
        for number in [SIGINT, SIGTERM] { signal(number, SIG_DFL) }
    }
}

/// The scheduling niceness each `serve` process of `bench exchange --processes` runs at.
struct NodeNiceness: Sendable {
    let bus: Int
    let sender: Int
    let recipient: Int

    var text: String { "nice: bus \(bus), A \(sender), B \(recipient)" }
    var json: [String: Double] { ["bus": Double(bus), "sender": Double(sender), "recipient": Double(recipient)] }
}
