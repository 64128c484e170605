import Glibc
import CSpawn

/// What a program run to its end printed, and how it ended.
public struct ChildOutput: Sendable {
    /// How it ended; `.signalled(SIGKILL)` when it outlived the timeout.
    public let exit: ChildExit
    public let stdout: [UInt8]
    public let stderr: [UInt8]
    public let timedOut: Bool
}

extension ChildProcess {
    /// Runs a program to its end, feeding it `stdin` and collecting both its outputs, all from
    /// one `poll` loop on the calling thread (so a chatty child never blocks on a full pipe, and
    /// no read is lost to EINTR). A program still running after `timeout` is killed.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                           stdin: [UInt8] = [], timeout: Duration) throws(SpawnError) -> ChildOutput {
        let input = try Pipe(executable), output = try Pipe(executable), errors = try Pipe(executable)
        let child: ChildProcess
        do {
            child = try ChildProcess(executable, arguments, environment: environment, stdin: .descriptor(input.reading),
                                     stdout: .descriptor(output.writing), stderr: .descriptor(errors.writing))
        } catch {
            [input, output, errors].forEach { $0.closeBoth() }
            throw error
        }
        input.closeReading()
        output.closeWriting()
        errors.closeWriting()
        _ = fcntl(input.writing, F_SETFL, fcntl(input.writing, F_GETFL) | O_NONBLOCK)

        var pending = stdin[...]
        var collected: [Int32: [UInt8]] = [output.reading: [], errors.reading: []]
        var open = [output.reading, errors.reading]
        if pending.isEmpty { input.closeWriting() }
        let deadline = ContinuousClock.now + timeout
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while !open.isEmpty, ContinuousClock.now < deadline {
            var watched = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            if !pending.isEmpty { watched.append(pollfd(fd: input.writing, events: Int16(POLLOUT), revents: 0)) }
            guard poll(&watched, nfds_t(watched.count), 200) >= 0 || errno == EINTR else { break }
            for entry in watched where entry.revents != 0 {
                if entry.fd == input.writing {
                    let written = pending.withUnsafeBytes { write(input.writing, $0.baseAddress, $0.count) }
                    if written > 0 { pending = pending.dropFirst(written) }
                    if pending.isEmpty || (written < 0 && errno != EAGAIN && errno != EINTR) {
                        pending = []
                        input.closeWriting()
                    }
                    continue
                }
                let count = buffer.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, $0.count) }
                if count > 0 {
                    collected[entry.fd, default: []].append(contentsOf: buffer[..<count])
                } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                    open.removeAll { $0 == entry.fd }
                }
            }
        }
        let timedOut = !open.isEmpty
        [input, output, errors].forEach { $0.closeBoth() }
        let ended = timedOut ? child.kill() : child.waitUntilExit(timeout: .seconds(10)) ?? child.kill()
        return ChildOutput(exit: ended, stdout: collected[output.reading] ?? [], stderr: collected[errors.reading] ?? [],
                           timedOut: timedOut)
    }
}

/// A pipe whose ends are closed on exec (the child gets its end by `dup2`, which clears that),
/// so no other child started meanwhile inherits them.
private final class Pipe {
    let reading: Int32
    let writing: Int32
    private var readingOpen = true, writingOpen = true

    init(_ executable: String) throws(SpawnError) {
        var ends: [Int32] = [-1, -1]
        guard pipe2(&ends, O_CLOEXEC) == 0 else { throw SpawnError(executable: executable, code: errno) }
        reading = ends[0]
        writing = ends[1]
    }

    func closeReading() { if readingOpen { close(reading); readingOpen = false } }
    func closeWriting() { if writingOpen { close(writing); writingOpen = false } }
    func closeBoth() { closeReading(); closeWriting() }
}
