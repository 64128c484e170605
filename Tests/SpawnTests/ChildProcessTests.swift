import Foundation
import Spawn
import Testing

@Suite("child processes")
struct ChildProcessTests {
    @Test("run collects both outputs and the exit status")
    func runCollectsOutputsAndStatus() throws {
        let run = try ChildProcess.run("/bin/sh", ["-c", "echo out; echo err >&2; exit 3"], timeout: .seconds(20))
        #expect(run.exit == .exited(3))
        #expect(String(decoding: run.stdout, as: UTF8.self) == "out\n")
        #expect(String(decoding: run.stderr, as: UTF8.self) == "err\n")
        #expect(!run.timedOut)
    }

    @Test("a megabyte each way through stdin and stdout, without a deadlock on full pipes")
    func largeInputAndOutput() throws {
        let input = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let run = try ChildProcess.run("/bin/cat", [], stdin: input, timeout: .seconds(30))
        #expect(run.exit == .exited(0))
        #expect(run.stdout == input)
    }

    @Test("a program outliving its timeout is killed and says so")
    func timeoutKills() throws {
        let run = try ChildProcess.run("/bin/sleep", ["30"], timeout: .milliseconds(300))
        #expect(run.timedOut)
        #expect(run.exit == .signalled(SIGKILL))
    }

    /// The test process ignores SIGPIPE (NIO does) and its threads block signals; a child of
    /// Foundation's Process inherited both. (Signals 32 and 33 are glibc's own, which a spawn
    /// leaves as glibc set them.)
    @Test("the child starts with no standard signal ignored or blocked")
    func signalsAtTheirDefaults() throws {
        let run = try ChildProcess.run("/bin/cat", ["/proc/self/status"], timeout: .seconds(20))
        let masks = Dictionary(String(decoding: run.stdout, as: UTF8.self).split(separator: "\n").compactMap { line -> (String, UInt64)? in
            let parts = line.split(separator: "\t")
            guard parts.count == 2, parts[0].hasPrefix("Sig"), let mask = UInt64(parts[1], radix: 16) else { return nil }
            return (String(parts[0].dropLast()), mask)
        }, uniquingKeysWith: { first, _ in first })
        let standardSignals: UInt64 = (1 << 31) - 1
        #expect(masks["SigIgn"].map { $0 & standardSignals } == 0, "\(masks)")
        #expect(masks["SigBlk"].map { $0 & standardSignals } == 0, "\(masks)")
    }

    @Test("no descriptor of the parent leaks into the child beyond the ones asked for")
    func descriptorsDoNotLeak() throws {
        let leaky = open("/dev/null", O_RDONLY)   // deliberately without O_CLOEXEC
        defer { close(leaky) }
        try #require(leaky > 2)
        let run = try ChildProcess.run("/bin/ls", ["/proc/self/fd"], timeout: .seconds(20))
        let open = Set(String(decoding: run.stdout, as: UTF8.self).split(separator: "\n").compactMap { Int32($0) })
        #expect(!open.contains(leaky))
        #expect(open.isSubset(of: [0, 1, 2, 3]), "ls sees \(open.sorted())")   // 3: ls's own listing of the directory
    }

    @Test("descriptors mapped into the child, whatever their numbers in the parent")
    func mappedDescriptors() throws {
        var ends: [Int32] = [-1, -1]
        try #require(pipe(&ends) == 0)
        defer { close(ends[0]) }
        let child = try ChildProcess("/bin/sh", ["-c", "echo three >&3"], stdout: .null, descriptors: [3: ends[1]])
        close(ends[1])
        #expect(child.waitUntilExit(timeout: .seconds(20)) == .exited(0))
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = read(ends[0], &buffer, buffer.count)
        #expect(String(decoding: buffer[..<max(count, 0)], as: UTF8.self) == "three\n")
    }

    @Test("a signal reaches a running child; once it is reaped, none is sent")
    func signalsOnlyWhileRunning() async throws {
        let child = try ChildProcess("/bin/sleep", ["30"])
        #expect(child.isRunning)
        #expect(child.signal(SIGTERM))
        #expect(await child.exited(timeout: .seconds(20)) == .signalled(SIGTERM))
        #expect(!child.isRunning)
        #expect(!child.signal(SIGTERM), "a reaped child's pid may be another process's by now")
    }

    @Test("stop: the signal's exit, or nil and a SIGKILL for a child that ignores it")
    func stopSignalsThenKills() async throws {
        let polite = try ChildProcess("/bin/sleep", ["30"])
        #expect(await polite.stop(timeout: .seconds(20)) == .signalled(SIGTERM))
        // `exec` so the shell's ignored SIGTERM is sleep's own, with no shell left to signal.
        let stubborn = try ChildProcess("/bin/sh", ["-c", "trap '' TERM; exec sleep 30"])
        try await Task.sleep(for: .milliseconds(200))   // past the trap
        #expect(await stubborn.stop(timeout: .milliseconds(300)) == nil)
        #expect(stubborn.exit == .signalled(SIGKILL))
    }

    @Test("output to a file, appended to across runs")
    func appendsToFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-spawn-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: file) }
        for word in ["one", "two"] {
            let child = try ChildProcess("/bin/echo", [word], stdout: .file(file.path, append: true))
            #expect(child.waitUntilExit(timeout: .seconds(20)) == .exited(0))
        }
        #expect(try String(contentsOf: file, encoding: .utf8) == "one\ntwo\n")
    }

    @Test("a program that cannot be started is an error naming it")
    func missingProgram() {
        #expect(throws: SpawnError.self) { try ChildProcess("/nonexistent/program", []) }
        #expect((try? ChildProcess("/nonexistent/program", [])) == nil)
        do {
            _ = try ChildProcess("/nonexistent/program", [])
        } catch {
            #expect(error.code == ENOENT)
            #expect(error.description.contains("/nonexistent/program"))
        }
    }
}

/// Foundation's `Process` crashed the test process once (see `ChildProcess`); nothing in the
/// project may start a program through it again.
@Suite("no Foundation Process")
struct NoFoundationProcessTests {
    @Test("no source or test file creates a Foundation Process")
    func nothingUsesFoundationProcess() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        // `Process()` or `Process.run(` not preceded by a letter (so `ChildProcess` is fine).
        let pattern = try Regex(#"(^|[^A-Za-z_])Process(\(\)|\.run\(|\.launchedProcess)"#)
        var offenders: [String] = []
        for folder in ["Sources", "Tests"] {
            let enumerator = FileManager.default.enumerator(at: root.appendingPathComponent(folder), includingPropertiesForKeys: nil)
            while let url = enumerator?.nextObject() as? URL {
                guard url.pathExtension == "swift", url.lastPathComponent != "ChildProcessTests.swift" else { continue }
                let text = try String(contentsOf: url, encoding: .utf8)
                if text.contains(pattern) { offenders.append(url.path.replacingOccurrences(of: root.path + "/", with: "")) }
            }
        }
        #expect(offenders.isEmpty, "use Spawn's ChildProcess instead in \(offenders)")
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("Sources/Spawn/ChildProcess.swift").path))
    }
}
