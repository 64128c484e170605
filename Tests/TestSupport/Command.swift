import Foundation
import Spawn

/// The outcome of running a program to its end.
public struct CommandResult: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
}

/// Runs the built `lienthong` binary (or any program) with arguments and optional standard input,
/// waiting at most `timeout` seconds; a program still running then is killed and reported as status -9.
public func runCommand(_ executable: URL = Paths.binary, _ arguments: [String],
                       stdin: Data? = nil, environment: [String: String]? = nil,
                       timeout: TimeInterval = 60) throws -> CommandResult {
    let merged = environment.map { ProcessInfo.processInfo.environment.merging($0) { _, new in new } }
    let output = try ChildProcess.run(executable.path, arguments, environment: merged, stdin: stdin.map(Array.init) ?? [],
                                      timeout: .milliseconds(Int(timeout * 1000)))
    return CommandResult(status: output.exit.code,
                         stdout: String(decoding: output.stdout, as: UTF8.self),
                         stderr: String(decoding: output.stderr, as: UTF8.self))
}

/// `runCommand` for async callers (preferred over the blocking one wherever `await` can be
/// written): the program is waited for on a thread of its own, not on one of Swift's cooperative
/// pool, of which two cores give two. Tests blocked there starved the in-process servers of the
/// rest of the suite: two bench tests waiting at once kept a test's bus from starting for over a
/// minute (CI, session 11), and a transfer of another test waited 43 s for a thread (session 13).
public func runCommand(_ executable: URL = Paths.binary, _ arguments: [String],
                       stdin: Data? = nil, environment: [String: String]? = nil,
                       timeout: TimeInterval = 60) async throws -> CommandResult {
    try await offPool { try runCommand(executable, arguments, stdin: stdin, environment: environment, timeout: timeout) }
}

/// Runs blocking `work` on a new thread and resumes the caller with its result, so the waiting
/// holds no thread of the cooperative pool.
func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}
