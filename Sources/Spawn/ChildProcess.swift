import Glibc
import CSpawn
import Synchronization

/// A program started with `posix_spawn`, in a process group of its own, with every signal at its
/// default action and none blocked, and no descriptor of this process but the three standard
/// ones (and `descriptors`) open in it.
///
/// Foundation's `Process` is not used anywhere in the project, for two reasons seen here: on
/// Linux its `run` lists `/proc/self/fd` with an over-read of each directory entry, which crashed
/// the test process when an entry sat at the end of a mapped heap (AddressSanitizer names it:
/// `findMaximumOpenFromProcSelfFD`, fixed upstream in swift-corelibs-foundation#5472, after
/// Swift 6.3); and a child inherits the spawning thread's blocked signals, so a program timing
/// itself with SIGALRM (`openssl speed`) never stopped.
public final class ChildProcess: Sendable {
    public let pid: pid_t
    /// Set once the child has been reaped; from then on its pid may belong to anything else.
    private let ending = Mutex<ChildExit?>(nil)

    /// Starts `executable` (a path, or a name looked up in PATH) with `arguments`, in
    /// `environment` (this process's when nil). `descriptors` maps more of the child's
    /// descriptors (3 and up) to this process's.
    public init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                stdin: ChildStream = .null, stdout: ChildStream = .inherit, stderr: ChildStream = .inherit,
                descriptors: [Int32: Int32] = [:]) throws(SpawnError) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (target, stream) in [(Int32(0), stdin), (1, stdout), (2, stderr)] {
            stream.add(to: &actions, as: target)
        }
        // Each source first gets a copy above every target, so no dup2 overwrites a source that
        // a later one reads (a pipe's end may well be descriptor 3 or 4).
        let firstFree = max(3, (descriptors.keys.max() ?? 2) + 1)
        let copies = descriptors.mapValues { fcntl($0, F_DUPFD_CLOEXEC, firstFree) }
        defer { copies.values.filter { $0 >= 0 }.forEach { close($0) } }
        if let failed = copies.first(where: { $0.value < 0 }) { throw SpawnError(executable: executable, code: EBADF, detail: "descriptor \(descriptors[failed.key]!)") }
        for (target, copy) in copies.sorted(by: { $0.key < $1.key }) {
            posix_spawn_file_actions_adddup2(&actions, copy, target)
        }
        posix_spawn_file_actions_addclosefrom_np(&actions, firstFree)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        let argv = CStrings([executable] + arguments)
        let envp = environment.map { CStrings($0.map { "\($0.key)=\($0.value)" }) }
        var child: pid_t = 0
        let status = argv.withPointers { argvPointers in
            func spawn(_ environmentPointers: UnsafePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
                executable.contains("/")
                    ? posix_spawn(&child, executable, &actions, &attributes, argvPointers, environmentPointers)
                    : posix_spawnp(&child, executable, &actions, &attributes, argvPointers, environmentPointers)
            }
            guard let envp else { return spawn(UnsafePointer(environ)) }
            return envp.withPointers { spawn($0) }
        }
        guard status == 0 else { throw SpawnError(executable: executable, code: status) }
        pid = child
    }

    /// Whether the child still runs (reaping it, without blocking, once it has exited).
    public var isRunning: Bool { ending.withLock { reap(&$0) } == nil }

    /// How the child ended; nil while it runs.
    public var exit: ChildExit? { ending.withLock { reap(&$0) } }

    /// Sends `number` unless the child has been reaped: a reaped child's pid can be handed to
    /// another process, or to a thread of this one (and a thread's id signals its whole process).
    @discardableResult
    public func signal(_ number: Int32) -> Bool {
        ending.withLock { state in
            guard reap(&state) == nil else { return false }
            return Glibc.kill(pid, number) == 0
        }
    }

    /// Waits until the child exits, at most `timeout` when given; nil if it still runs then.
    @discardableResult
    public func waitUntilExit(timeout: Duration? = nil) -> ChildExit? {
        let deadline = timeout.map { ContinuousClock.now + $0 }
        while true {
            if let ended = exit { return ended }
            if let deadline, ContinuousClock.now >= deadline { return nil }
            usleep(5_000)
        }
    }

    /// `waitUntilExit` for async callers: polls with `Task.sleep`, holding no thread.
    public func exited(timeout: Duration) async -> ChildExit? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let ended = exit { return ended }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return exit
    }

    /// Sends `number` (a graceful stop) and waits up to `timeout`: the exit, or nil when the child
    /// still ran then and was killed with SIGKILL.
    @discardableResult
    public func stop(signal number: Int32 = SIGTERM, timeout: Duration) -> ChildExit? {
        signal(number)
        guard let ended = waitUntilExit(timeout: timeout) else {
            kill()
            return nil
        }
        return ended
    }

    /// `stop` for async callers, waiting with `Task.sleep`.
    @discardableResult
    public func stop(signal number: Int32 = SIGTERM, timeout: Duration) async -> ChildExit? {
        signal(number)
        guard let ended = await exited(timeout: timeout) else {
            kill()
            return nil
        }
        return ended
    }

    /// SIGKILL unless it has exited, then the reaped exit.
    @discardableResult
    public func kill() -> ChildExit {
        signal(SIGKILL)
        return waitUntilExit()!
    }

    private func reap(_ state: inout ChildExit?) -> ChildExit? {
        if let state { return state }
        var status: Int32 = 0
        let reaped = waitpid(pid, &status, WNOHANG)
        if reaped == 0 || (reaped < 0 && errno == EINTR) { return nil }
        // ECHILD: reaped by someone else (SIGCHLD ignored), so the status is lost.
        state = reaped < 0 ? .exited(-1) : ChildExit(waitStatus: status)
        return state
    }
}

/// How a child ended.
public enum ChildExit: Sendable, Equatable, CustomStringConvertible {
    case exited(Int32)
    case signalled(Int32)

    init(waitStatus: Int32) {
        let signal = waitStatus & 0x7f
        self = signal == 0 ? .exited((waitStatus >> 8) & 0xff) : .signalled(signal)
    }

    /// The exit status, or minus the signal that ended it (the shell's convention, negated).
    public var code: Int32 {
        switch self {
        case .exited(let status): status
        case .signalled(let signal): -signal
        }
    }

    public var description: String {
        switch self {
        case .exited(let status): "exit status \(status)"
        case .signalled(let signal): "signal \(signal)"
        }
    }
}

public struct SpawnError: Error, CustomStringConvertible {
    public let executable: String
    public let code: Int32
    public var detail: String? = nil

    public var description: String {
        "cannot start \(executable): \(String(cString: strerror(code)))" + (detail.map { " (\($0))" } ?? "")
    }
}
