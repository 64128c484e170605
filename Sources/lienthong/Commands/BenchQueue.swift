import ArgumentParser
import Foundation
import Store

struct BenchQueue: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "Durable enqueues/s with 1, 8 and 64 producers; claim+complete/s; ls and stats with a large queue."
    )

    @Option(help: ArgumentHelp("Where to build the benchmark stores (default: a temporary directory, removed after).", valueName: "DIR"))
    var directory: String?
    @Option(help: "Durable enqueues measured at each producer count.")
    var enqueues = 4000
    @Option(help: "Messages in the store for the `queue ls --state dead` and `queue stats` timings (0 to skip).")
    var large = 1_000_000
    @Option(help: "full (the default: WAL synced at commit, blobs fsynced) or normal (no sync: survives a killed process, not a power loss).")
    var durability = "full"
    @Option(help: "Envelope size in bytes.")
    var envelopeBytes = 4096

    func run() async throws {
        let root = directory.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { if directory == nil { try? FileManager.default.removeItem(at: root) } }

        print("reference: \(Int(try Self.fsyncRate(in: root))) fsyncs/s of a new \(envelopeBytes)-byte file, one thread, same disk")
        guard let mode = Durability(rawValue: durability) else { throw ValidationError("--durability is full or normal") }
        let durable = try SQLiteStore(directory: root.appendingPathComponent("durable-\(mode.rawValue)"), options: StoreOptions(durability: mode))
        let label = mode == .full ? "durable enqueue (synchronous=FULL, envelope synced with its row)" : "enqueue (synchronous=NORMAL, no fsync)"
        for producers in [1, 8, 64] {
            let rate = try await measureEnqueues(durable, producers: producers, count: enqueues)
            print("\(label), \(producers) producers, each acknowledged after its commit: \(Int(rate))/s")
        }
        for workers in [1, 4] {
            let rate = try await measureClaimComplete(durable, workers: workers, batch: 16)
            print("claim+complete (batches of 16 reported concurrently, delivered), \(workers) workers: \(Int(rate))/s")
        }
        if large > 0 { try await measureLargeQueue(root.appendingPathComponent("large")) }
    }

    private func envelope(_ index: Int) -> Data {
        var bytes = Data("<edXMLEnvelope id=\"\(index)-\(UUID().uuidString)\">".utf8)
        bytes.append(Data(repeating: UInt8(ascii: "x"), count: max(0, envelopeBytes - bytes.count)))
        return bytes
    }

    /// Each producer enqueues one distinct envelope at a time and waits for its acknowledgement.
    private func measureEnqueues(_ store: SQLiteStore, producers: Int, count: Int) async throws -> Double {
        let envelopes = (0..<count).map(envelope)
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for producer in 0..<producers {
                group.addTask {
                    for index in stride(from: producer, to: count, by: producers) {
                        _ = try await store.enqueue(OutboundSubmission(documentID: "bench-\(index)", from: "000.00.00.G22",
                                                                       to: ["000.00.00.H\(index % 8)"], envelope: envelopes[index]))
                    }
                }
            }
            try await group.waitForAll()
        }
        return Double(count) / (ContinuousClock.now - start).inSeconds
    }

    /// Queues `enqueues` fresh messages (not timed), then times workers draining them.
    private func measureClaimComplete(_ store: SQLiteStore, workers: Int, batch: Int) async throws -> Double {
        _ = try await measureEnqueues(store, producers: 64, count: enqueues)
        let total = enqueues
        let start = ContinuousClock.now
        let done = try await withThrowingTaskGroup(of: Int.self) { group in
            for worker in 0..<workers {
                group.addTask {
                    var completed = 0
                    while completed < total / workers {
                        let claims = try await store.claim(worker: "bench-\(worker)", limit: batch, leaseDuration: .seconds(60))
                        if claims.isEmpty { break }
                        // A worker delivers its batch concurrently; the reports share group commits.
                        try await withThrowingTaskGroup(of: Void.self) { reports in
                            for claim in claims {
                                reports.addTask {
                                    try await store.complete(claim.lease, result: .delivered(httpStatus: 200), duration: .milliseconds(1))
                                }
                            }
                            try await reports.waitForAll()
                        }
                        completed += claims.count
                    }
                    return completed
                }
            }
            return try await group.reduce(0, +)
        }
        return Double(done) / (ContinuousClock.now - start).inSeconds
    }

    /// Fills a store with `large` messages (fast, not durable: the fill is not what is measured),
    /// makes 1% of them dead, then times the two operator queries.
    private func measureLargeQueue(_ directory: URL) async throws {
        let policy = QueuePolicy(breaker: BreakerPolicy(failureThreshold: Int.max))
        let store = try SQLiteStore(directory: directory, options: StoreOptions(durability: .normal, policy: policy))
        let shared = envelope(0)
        let fillStart = ContinuousClock.now
        let producers = 256
        let target = large
        try await withThrowingTaskGroup(of: Void.self) { group in
            for producer in 0..<producers {
                group.addTask {
                    for index in stride(from: producer, to: target, by: producers) {
                        _ = try await store.enqueue(OutboundSubmission(documentID: "large-\(index)", from: "000.00.00.G22",
                                                                       to: ["000.00.00.H\(index % 20)"], envelope: shared))
                    }
                }
            }
            try await group.waitForAll()
        }
        print("filled \(target) messages in \(String(format: "%.1f", (ContinuousClock.now - fillStart).inSeconds)) s (synchronous=NORMAL, one shared blob)")
        var dead = 0
        while dead < target / 100 {
            let claims = try await store.claim(worker: "bench", limit: 100, leaseDuration: .seconds(600))
            if claims.isEmpty { break }
            for claim in claims {
                try await store.complete(claim.lease, result: .failed(.http(status: 400, retryAfter: nil, detail: "bench")), duration: .zero)
            }
            dead += claims.count
        }
        let queries: [(String, MessageFilter?)] = [
            ("queue ls --state dead", MessageFilter(state: .dead, limit: 50)),
            ("queue ls --state dead --to 000.00.00.H7", MessageFilter(state: .dead, destination: "000.00.00.H7", limit: 50)),
            ("queue ls --older-than 1s", MessageFilter(createdBefore: Date().addingTimeInterval(-1), limit: 50)),
            ("queue stats", nil),
        ]
        for (name, filter) in queries {
            let query: () async throws -> Void = {
                if let filter { _ = try await store.list(filter) } else { _ = try await store.stats() }
            }
            try await query()
            var timings: [Double] = []
            for _ in 0..<5 {
                let start = ContinuousClock.now
                try await query()
                timings.append((ContinuousClock.now - start).inSeconds * 1000)
            }
            print("\(name) with \(target) messages (\(dead) dead): median \(String(format: "%.2f", timings.sorted()[2])) ms of 5")
        }
    }

    static func fsyncRate(in directory: URL) throws -> Double {
        let data = Data(repeating: 0x78, count: 4096)
        let count = 300
        let start = ContinuousClock.now
        for index in 0..<count {
            let path = directory.appendingPathComponent("fsync-\(index)").path
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard fd >= 0 else { throw CommandFailure.internalError("bench.io", "cannot create \(path)") }
            _ = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            fsync(fd)
            close(fd)
            unlink(path)
        }
        return Double(count) / (ContinuousClock.now - start).inSeconds
    }
}
