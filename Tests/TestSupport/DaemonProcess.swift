import Foundation
import Spawn

/// `lienthong serve` running as a real child process, its output going to files (so a chatty
/// daemon never blocks on a pipe). Stopped with a signal; `stop` waits a bounded time.
public final class DaemonProcess: Sendable {
    public let child: ChildProcess
    public let stderrFile: URL

    public init(configuration: URL, environment: [String: String] = [:], directory: URL, stderrName: String = "serve.stderr") throws {
        stderrFile = directory.appendingPathComponent(stderrName)
        // Appended to, so a restarted daemon's log follows the killed one's.
        child = try ChildProcess(Paths.binary.path, ["serve", "--config", configuration.path],
                                 environment: ProcessInfo.processInfo.environment.merging(environment) { _, new in new },
                                 stdout: .null, stderr: .file(stderrFile.path, append: true))
    }

    public var stderr: String { (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? "" }

    /// Sends `signal` and waits up to `timeout` seconds for the exit; nil if it had to be killed.
    public func stop(signal: Int32 = SIGTERM, timeout: TimeInterval = 15) -> Int32? {
        child.signal(signal)
        return waitForExit(timeout: timeout)
    }

    /// `stop` for async callers: the wait polls with `Task.sleep`, holding no thread of the
    /// cooperative pool (see `runCommand`). The blocking one is left for `defer` blocks.
    public func stop(signal: Int32 = SIGTERM, timeout: TimeInterval = 15) async -> Int32? {
        child.signal(signal)
        return await waitForExit(timeout: timeout)
    }

    /// The exit status (minus the signal for a signalled exit), or nil after a SIGKILL when the
    /// daemon still ran at the timeout.
    public func waitForExit(timeout: TimeInterval) async -> Int32? {
        guard let ended = await child.exited(timeout: .milliseconds(Int(timeout * 1000))) else {
            child.kill()
            return nil
        }
        return ended.code
    }

    public func waitForExit(timeout: TimeInterval) -> Int32? {
        guard let ended = child.waitUntilExit(timeout: .milliseconds(Int(timeout * 1000))) else {
            child.kill()
            return nil
        }
        return ended.code
    }

    public var isRunning: Bool { child.isRunning }

    deinit {
        if child.isRunning { child.kill() }
    }
}
