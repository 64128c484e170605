import Foundation
import Spawn
import GRDB
import Testing
import TestSupport
@testable import Store

/// Durability under `kill -9`: a child enqueues and delivers while it is killed at random moments
/// and restarted; at the end every acknowledged message reached the receiver's inbox exactly once
/// and no message is left in `sending`.
@Suite struct CrashTests {
    static var worker: URL { Paths.binary.deletingLastPathComponent().appendingPathComponent("StoreCrashWorker") }
    static let kills = 12
    static let messagesPerRun = 100

    @Test(.timeLimit(.minutes(1)))
    func everyAcknowledgedMessageIsDeliveredExactlyOnceAcrossSIGKILLs() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.worker.path), "build StoreCrashWorker first")
        let directory = try TemporaryDirectory(prefix: "lienthong-crash")
        defer { directory.remove() }
        let inbox = try SQLiteStore(directory: directory.file("inbox"), options: StoreOptions(durability: .normal))
        let receiver = try CrashReceiver(inbox: inbox)
        receiver.start()
        defer { receiver.stop() }
        let storePath = directory.file("outbox").path

        var acknowledged = Set<String>()
        var generator = SystemRandomNumberGenerator()
        for run in 0..<Self.kills {
            let process = try Self.launch([storePath, String(receiver.port), "r\(run)", String(Self.messagesPerRun)],
                                          output: directory.file("run-\(run).out"))
            // Killed at a random moment once it is enqueueing (a loaded machine starts children slowly).
            try await process.waitForFirstAcknowledgement(timeout: .seconds(15))
            try await Task.sleep(for: .milliseconds(Int.random(in: 0...300, using: &generator)))
            #expect(process.child.kill() == .signalled(SIGKILL), "run \(run) ended before it was killed")
            acknowledged.formUnion(process.acknowledgedKeys())
        }
        let drain = try Self.launch([storePath, String(receiver.port), "--drain"], output: directory.file("drain.out"))
        let drained = await drain.child.exited(timeout: .seconds(40)) ?? drain.child.kill()
        #expect(drained == .exited(0), "the drain run did not finish (\(drained)): \(drain.errors.suffix(2000))")

        #expect(acknowledged.count > Self.kills, "too few enqueues were acknowledged to prove anything")
        let inboxKeys = try await inbox.pool.read { db in try String.fetchAll(db, sql: "SELECT message_key FROM inbound") }
        #expect(inboxKeys.count == Set(inboxKeys).count, "the inbox holds a key twice")
        let missing = acknowledged.subtracting(inboxKeys)
        #expect(missing.isEmpty, "acknowledged but never delivered: \(missing.sorted().prefix(10))")
        #expect(receiver.totalArrivals >= inboxKeys.count)
        print("crash test: \(acknowledged.count) acknowledged, \(inboxKeys.count) in the inbox, \(receiver.totalArrivals - inboxKeys.count) duplicate arrivals")

        let outbox = try SQLiteStore(directory: directory.file("outbox"), options: StoreOptions(durability: .normal))
        let stats = try await outbox.stats()
        #expect(stats.byState[.sending] == nil || stats.byState[.sending] == 0, "messages stuck in sending: \(stats.byState)")
        #expect(Set(stats.byState.filter { $0.value > 0 }.keys) == [.delivered])
        // What the outbox marked delivered is exactly what reached the inbox.
        let delivered = try await outbox.pool.read { db in try String.fetchAll(db, sql: "SELECT document_id FROM messages WHERE state = 'delivered'") }
        #expect(Set(delivered) == Set(inboxKeys))
    }

    struct Child {
        let child: ChildProcess
        let output: URL

        /// What it printed on its standard error (a crash's report).
        var errors: String { (try? String(contentsOfFile: output.path + ".stderr", encoding: .utf8)) ?? "" }

        /// Keys on complete `ack` lines: a line cut by the kill was never acknowledged.
        func acknowledgedKeys() -> [String] {
            let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
            return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
                .filter { $0.hasPrefix("ack ") }.map { String($0.dropFirst(4)) }
        }

        /// Returns once the child acknowledged an enqueue, it exited, or `timeout` passed.
        func waitForFirstAcknowledgement(timeout: Duration) async throws {
            let deadline = ContinuousClock.now + timeout
            while child.isRunning && acknowledgedKeys().isEmpty && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
        }
    }

    /// Starts the worker with its standard output in `output` (a file, read while it runs).
    static func launch(_ arguments: [String], output: URL) throws -> Child {
        let child = try ChildProcess(worker.path, arguments, stdout: .file(output.path, append: false),
                                     stderr: .file(output.path + ".stderr", append: false))
        return Child(child: child, output: output)
    }
}
