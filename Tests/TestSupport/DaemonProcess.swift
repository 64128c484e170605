import Foundation

/// `lienthong serve` running as a real child process, its output going to files (so a chatty
/// daemon never blocks on a pipe). Stopped with a signal; `stop` waits a bounded time.
public final class DaemonProcess: @unchecked Sendable {
    public let process = Process()
    public let stderrFile: URL

    public init(configuration: URL, environment: [String: String] = [:], directory: URL, stderrName: String = "serve.stderr") throws {
        stderrFile = directory.appendingPathComponent(stderrName)
        if !FileManager.default.fileExists(atPath: stderrFile.path) {
            _ = FileManager.default.createFile(atPath: stderrFile.path, contents: nil)
        }
        process.executableURL = Paths.binary
        process.arguments = ["serve", "--config", configuration.path]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardOutput = FileHandle.nullDevice
        // Appended to, so a restarted daemon's log follows the killed one's.
        let log = try FileHandle(forWritingTo: stderrFile)
        try log.seekToEnd()
        process.standardError = log
        try process.run()
    }

    public var stderr: String { (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? "" }

    /// Sends `signal` and waits up to `timeout` seconds for the exit; nil if it did not exit.
    public func stop(signal: Int32 = SIGTERM, timeout: TimeInterval = 15) -> Int32? {
        kill(process.processIdentifier, signal)
        return waitForExit(timeout: timeout)
    }

    /// `stop` for async callers: the wait polls with `Task.sleep`, holding no thread of the
    /// cooperative pool (see `runCommand`). The blocking one is left for `defer` blocks.
    public func stop(signal: Int32 = SIGTERM, timeout: TimeInterval = 15) async -> Int32? {
        kill(process.processIdentifier, signal)
        return await waitForExit(timeout: timeout)
    }

    public func waitForExit(timeout: TimeInterval) async -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        return killedUnlessExited()
    }

    public var isRunning: Bool { process.isRunning }

    public func waitForExit(timeout: TimeInterval) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        return killedUnlessExited()
    }

    /// The exit status, or nil after a SIGKILL when the process is still running.
    private func killedUnlessExited() -> Int32? {
        guard !process.isRunning else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
