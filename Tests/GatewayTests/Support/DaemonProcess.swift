import Foundation
import TestSupport

/// `lienthong serve` running as a real child process, its output going to files (so a chatty
/// daemon never blocks on a pipe). Stopped with a signal; `stop` waits a bounded time.
final class DaemonProcess: @unchecked Sendable {
    let process = Process()
    let stderrFile: URL

    init(configuration: URL, environment: [String: String] = [:], directory: URL) throws {
        stderrFile = directory.appendingPathComponent("serve.stderr")
        _ = FileManager.default.createFile(atPath: stderrFile.path, contents: nil)
        process.executableURL = Paths.binary
        process.arguments = ["serve", "--config", configuration.path]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: stderrFile)
        try process.run()
    }

    var stderr: String { (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? "" }

    /// Sends `signal` and waits up to `timeout` seconds for the exit; nil if it did not exit.
    func stop(signal: Int32 = SIGTERM, timeout: TimeInterval = 15) -> Int32? {
        kill(process.processIdentifier, signal)
        return waitForExit(timeout: timeout)
    }

    func waitForExit(timeout: TimeInterval) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
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

/// A TCP socket listening on 127.0.0.1 (the kernel completes handshakes without `accept`), for
/// checks that only need something to connect to.
final class ListeningSocket: @unchecked Sendable {
    let port: Int
    private let descriptor: Int32

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
        guard bound == 0, listen(descriptor, 16) == 0 else {
            close(descriptor)
            throw POSIXError(.EADDRINUSE)
        }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
        self.descriptor = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(descriptor) }
}
