import Foundation
import Spawn

/// `lienthong serve` running as a real child process, its output going to files (so a chatty
/// daemon never blocks on a pipe). Stopped with a signal; `stop` waits a bounded time.
public final class DaemonProcess: Sendable {
    private let child: ChildProcess
    public let stderrFile: URL

    public init(configuration: URL, environment: [String: String] = [:], directory: URL, stderrName: String = "serve.stderr") throws {
        stderrFile = directory.appendingPathComponent(stderrName)
        // Appended to, so a restarted daemon's log follows the killed one's.
        child = try ChildProcess(Paths.binary.path, ["serve", "--config", configuration.path],
                                 environment: ProcessInfo.processInfo.environment.merging(environment) { _, new in new },
                                 stdout: .null, stderr: .file(stderrFile.path, append: true))
    }

    public var stderr: String { (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? "" }

    /// Sends `signal` and waits up to `timeout` seconds: the exit status (minus the signal for a
    /// signalled exit), or nil when the daemon still ran then and was killed.
    public func stop(signal: Int32 = SIGTERM, timeout: TimeInterval = 15) -> Int32? {
        child.stop(signal: signal, timeout: .milliseconds(Int(timeout * 1000)))?.code
    }

    /// `stop` for async callers: the wait polls with `Task.sleep`, holding no thread of the
    /// cooperative pool (see `runCommand`). The blocking one is left for `defer` blocks.
    public func stop(signal: Int32 = SIGTERM, timeout: TimeInterval = 15) async -> Int32? {
        await child.stop(signal: signal, timeout: .milliseconds(Int(timeout * 1000)))?.code
    }

    public var isRunning: Bool { child.isRunning }

    deinit { child.kill() }
}
