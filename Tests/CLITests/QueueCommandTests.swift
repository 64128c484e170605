import Foundation
import Store
import Testing
import TestSupport

/// `lienthong queue …` run as a separate process against a store this test fills through the
/// Store module, as an operator would with the daemon running.
@Suite struct QueueCommandTests {
    struct Seeded {
        let directory: TemporaryDirectory
        let store: SQLiteStore
        let toA: [String]
        let toB: String
        let dead: String
        var path: String { directory.url.path }
    }

    static func seeded() async throws -> Seeded {
        let directory = try TemporaryDirectory(prefix: "lienthong-cli-queue")
        let store = try SQLiteStore(directory: directory.url, options: StoreOptions(durability: .normal))
        var toA: [String] = []
        for n in 0..<3 {
            let receipt = try await store.enqueue(OutboundSubmission(documentID: "doc-\(n)", from: "000.00.00.G22", to: ["000.00.00.A01"],
                                                                     subject: "Công văn số \(n)", envelope: Data("<e>\(n)</e>".utf8)))
            toA.append(receipt.messages[0].messageID)
        }
        let toB = try await store.enqueue(OutboundSubmission(documentID: "doc-b", from: "000.00.00.G22", to: ["000.00.00.B02"],
                                                             envelope: Data("<e>b</e>".utf8))).messages[0].messageID
        // Make the message to B dead through a real attempt refused by the far side.
        let claims = try await store.claim(worker: "w", limit: 10, leaseDuration: .seconds(60))
        for claim in claims {
            if claim.message.id == toB {
                try await store.complete(claim.lease, result: .failed(.http(status: 403, retryAfter: nil, detail: "sender not allowed")),
                                         duration: .milliseconds(12))
            } else {
                try await store.complete(claim.lease, result: .failed(.http(status: 503, retryAfter: .seconds(3600), detail: "busy")),
                                         duration: .milliseconds(8))
            }
        }
        try await store.recordStatus(StatusEvent(documentID: "doc-b", documentSender: "000.00.00.G22", code: "01", organID: "000.00.00.B02", description: "received", at: Date()))
        return Seeded(directory: directory, store: store, toA: toA, toB: toB, dead: toB)
    }

    func queue(_ arguments: [String], store: String?, environment: [String: String]? = nil) async throws -> CommandResult {
        try await runCommand(Paths.binary, ["queue"] + arguments + (store.map { ["--store", $0] } ?? []), environment: environment)
    }

    @Test func withoutAStoreTheCommandSaysHowToGiveOne() async throws {
        let result = try await queue(["ls"], store: nil, environment: ["LIENTHONG_STORE": ""])
        #expect(result.status == 64)
        #expect(result.stderr.hasPrefix("error: config.store_missing: "))
        let missing = try await queue(["stats"], store: "/nonexistent/lienthong-store")
        #expect(missing.status == 69)
        #expect(missing.stderr.hasPrefix("error: store.not_found: "))
        #expect(!FileManager.default.fileExists(atPath: "/nonexistent/lienthong-store"))
    }

    /// The gateway's configuration names the store the daemon uses; `--config` finds it the same way.
    @Test func theConfigurationFileNamesTheStore() async throws {
        let seeded = try await Self.seeded()
        defer { seeded.directory.remove() }
        let example = try String(contentsOf: Paths.packageRoot.appendingPathComponent("docs/gateway.example.toml"), encoding: .utf8)
        let config = try TemporaryDirectory(prefix: "lienthong-cli-config")
        defer { config.remove() }
        let text = example.replacingOccurrences(of: #"directory = "var/store""#, with: "directory = \"\(seeded.path)\"")
        #expect(text != example)
        try text.write(to: config.file("gateway.toml"), atomically: true, encoding: .utf8)
        let result = try await runCommand(Paths.binary, ["queue", "ls", "--state", "dead", "--config", config.file("gateway.toml").path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains(seeded.dead))
    }

    @Test func lsPrintsAnAlignedTableWithRelativeAndAbsoluteTimes() async throws {
        let seeded = try await Self.seeded()
        defer { seeded.directory.remove() }
        let result = try await queue(["ls"], store: seeded.path)
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 5)
        #expect(lines[0].hasPrefix("ID"))
        let stateColumn = lines[0].range(of: "STATE")!.lowerBound.utf16Offset(in: lines[0])
        for line in lines.dropFirst() {
            let state = line.dropFirst(stateColumn).prefix { $0 != " " }
            #expect(["retry_wait", "dead"].contains(String(state)), "misaligned: \(line)")
            // absolute then relative: "2026-11-25 04:12:09Z (3s ago)", or "(now)" within the second
            #expect(line.contains("Z (") && (line.contains(" ago)") || line.contains("Z (now)")), "no times in: \(line)")
        }
        #expect(result.stdout.contains("delivery.http_403: sender not allowed"))

        let dead = try await queue(["ls", "--state", "dead", "--json"], store: seeded.path)
        #expect(dead.status == 0)
        let rows = try JSONSerialization.jsonObject(with: Data(dead.stdout.utf8)) as? [[String: Any]]
        #expect(rows?.count == 1)
        #expect(rows?.first?["id"] as? String == seeded.dead)
        #expect(rows?.first?["state"] as? String == "dead")

        let toA = try await queue(["ls", "--to", "000.00.00.A01", "--limit", "2", "--json"], store: seeded.path)
        #expect((try JSONSerialization.jsonObject(with: Data(toA.stdout.utf8)) as? [Any])?.count == 2)
        #expect(try await queue(["ls", "--older-than", "1h"], store: seeded.path).stdout.contains("no messages match"))
        #expect(try await queue(["ls", "--state", "lost"], store: seeded.path).status == 64)
        #expect(try await queue(["ls", "--older-than", "soon"], store: seeded.path).status == 64)
    }

    @Test func showTellsTheWholeStoryOfAMessage() async throws {
        let seeded = try await Self.seeded()
        defer { seeded.directory.remove() }
        let result = try await queue(["show", seeded.dead], store: seeded.path)
        #expect(result.status == 0)
        for expected in ["Message \(seeded.dead)", "dead since", "000.00.00.G22 → 000.00.00.B02", "Attempts", "403",
                         "delivery.http_403: sender not allowed", "Status timeline of document doc-b", "01", "received",
                         "State changes", "queue.enqueued", "Operator actions"] {
            #expect(result.stdout.contains(expected), "missing \(expected)")
        }
        let json = try await queue(["show", seeded.dead, "--json"], store: seeded.path)
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let attempts = object?["attempts"] as? [[String: Any]]
        #expect(attempts?.first?["httpStatus"] as? Int == 403)
        #expect(attempts?.first?["durationMilliseconds"] as? Int == 12)

        let unknown = try await queue(["show", "NO-SUCH-ID"], store: seeded.path)
        #expect(unknown.status == 65)
        #expect(unknown.stderr == "error: queue.not_found: no message has the id NO-SUCH-ID\n")
    }

    @Test func changesSayWhatTheyDidAndAreLogged() async throws {
        let seeded = try await Self.seeded()
        defer { seeded.directory.remove() }
        let a = seeded.toA
        let held = try await queue(["hold", a[0], a[1], "--actor", "alice", "--reason", "partner maintenance"], store: seeded.path)
        #expect(held.status == 0)
        #expect(held.stdout == "2 messages held\n")

        let released = try await queue(["release", a[0], a[1], a[2], "--actor", "alice"], store: seeded.path)
        #expect(released.status == 65)
        #expect(released.stdout.hasPrefix("2 messages released, 1 was not released: \(a[2]) (it is retry_wait"))
        #expect(released.stderr.hasPrefix("error: queue.wrong_state: 1 of 3 messages was not released"))

        let retried = try await queue(["retry", "--state", "dead", "--actor", "bob", "--reason", "partner fixed its list"], store: seeded.path)
        #expect(retried.status == 0)
        #expect(retried.stdout == "1 message queued again\n")
        #expect(try await queue(["retry"], store: seeded.path).status == 64)
        #expect(try await queue(["retry", a[0], "--state", "dead"], store: seeded.path).status == 64)

        #expect(try await queue(["cancel", a[2]], store: seeded.path).status == 64)
        let cancelled = try await queue(["cancel", a[2], "--reason", "sent twice", "--actor", "carol", "--json"], store: seeded.path)
        #expect(cancelled.status == 0)
        let outcome = try JSONSerialization.jsonObject(with: Data(cancelled.stdout.utf8)) as? [String: Any]
        #expect(outcome?["changed"] as? [String] == [a[2]])

        let detail = try await seeded.store.detail(ofMessage: a[0])
        #expect(detail.operatorActions.map(\.action) == ["hold", "release"])
        #expect(detail.operatorActions.map(\.actor) == ["alice", "alice"])
        #expect(detail.operatorActions[0].reason == "partner maintenance")
        #expect(try await seeded.store.detail(ofMessage: seeded.dead).message.state == .queued)
        #expect(try await seeded.store.detail(ofMessage: a[2]).operatorActions.last?.reason == "sent twice")
        let show = try await queue(["show", a[0]], store: seeded.path)
        #expect(show.stdout.contains("alice") && show.stdout.contains("partner maintenance"))
    }

    @Test func statsAndPurge() async throws {
        let seeded = try await Self.seeded()
        defer { seeded.directory.remove() }
        let stats = try await queue(["stats"], store: nil, environment: ["LIENTHONG_STORE": seeded.path])
        #expect(stats.status == 0)
        #expect(stats.stdout.contains("retry_wait  3"))
        #expect(stats.stdout.contains("oldest undelivered: "))
        #expect(stats.stdout.contains("000.00.00.B02"))
        let json = try await queue(["stats", "--json"], store: seeded.path)
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect((object?["byState"] as? [String: Int]) == ["retry_wait": 3, "dead": 1])
        #expect(((object?["byDestination"] as? [String: Any])?["000.00.00.B02"] as? [String: Int]) == ["dead": 1])

        let claims = try await seeded.store.claim(worker: "w", limit: 10, leaseDuration: .seconds(60))
        #expect(claims.isEmpty)  // all waiting an hour (Retry-After) or dead
        _ = try await seeded.store.retry(.state(.retryWait, destination: nil), actor: "t", reason: nil)
        for claim in try await seeded.store.claim(worker: "w", limit: 10, leaseDuration: .seconds(60)) {
            try await seeded.store.complete(claim.lease, result: .delivered(httpStatus: 200), duration: .zero)
        }
        #expect(try await queue(["purge", "--delivered-before", "yesterday"], store: seeded.path).status == 64)
        let purged = try await queue(["purge", "--delivered-before", "2100-01-01"], store: seeded.path)
        #expect(purged.status == 0)
        #expect(purged.stdout.hasPrefix("3 delivered messages removed"))
        #expect(try await seeded.store.stats().byState[.delivered] ?? 0 == 0)
    }
}
