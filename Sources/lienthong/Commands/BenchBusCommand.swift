import ArgumentParser
import Foundation
import Relay

/// `lienthong bench bus`: `sendEdoc` into a local bus over mutual TLS, each call checked (hash,
/// sender, signature, registry), given the bus's hop and queued durably before it is answered;
/// then how long the bus takes to put every document in the polling recipient's mailbox. The
/// reference, in the same run, is `getAgenciesList` (authentication and a registry read, no
/// document) at the same concurrency.
struct BenchBusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bus",
        abstract: "Documents per second accepted and routed by a local bus (sendEdoc over mutual TLS).")

    @Option(help: "Documents sent.")
    var documents = 1000

    @Option(help: "Calls in flight at once.")
    var concurrency = 8

    @Option(help: "Approximate size of each document's content, in bytes.")
    var bodyBytes = 4096

    @Option(help: "The first of two free loopback ports the bus listens on.")
    var port = 18_900

    @Flag(help: "Print the figures as JSON.")
    var json = false

    func validate() throws {
        guard documents > 0, concurrency > 0, bodyBytes > 0 else {
            throw ValidationError("--documents, --concurrency and --body-bytes must be positive")
        }
    }

    func run() async throws {
        let bus = try await BenchBusNode.start(port: port)
        let warmUp = try bus.documents(20, bodyBytes: bodyBytes)
        // Numbered after the warm-up's: an identical call would be answered as a repeat, not routed again.
        let envelopes = try bus.documents(documents, numberedFrom: warmUp.count, bodyBytes: bodyBytes)
        let certificateClient = try client(bus, hmac: false)
        let hmacClient = try client(bus, hmac: true)
        _ = try await send(warmUp, with: certificateClient)
        let reference = try await calls(documents, with: certificateClient)
        let half = envelopes.count / 2
        let clock = ContinuousClock()
        let start = clock.now
        let byCertificate = try await send(Array(envelopes[..<half]), with: certificateClient)
        let byHMAC = try await send(Array(envelopes[half...]), with: hmacClient)
        var deposited = 0
        for _ in 0..<1200 {
            deposited = try await bus.parts.store.mailbox(of: BenchBusNode.recipient, kind: "edoc", limit: 100_000).count
            if deposited >= envelopes.count + warmUp.count { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        let routed = clock.now - start
        await bus.stop()
        guard deposited >= envelopes.count + warmUp.count else {
            throw CommandFailure.unavailable("bench.incomplete", "only \(deposited) documents reached the mailbox within 60 s")
        }
        let size = envelopes.first?.count ?? 0
        let routedPerSecond = Double(envelopes.count) / routed.seconds
        if json {
            let object: [String: Any] = [
                "documents": documents, "concurrency": concurrency, "envelopeBytes": size,
                "sendEdocCertificate": byCertificate.json, "sendEdocHMAC": byHMAC.json,
                "acceptedToMailboxPerSecond": routedPerSecond, "referenceGetAgenciesList": reference.json,
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print("bus: sendEdoc over mutual TLS, signed \(size)-byte envelopes, signature policy require, concurrency \(concurrency)")
            print(byCertificate.line(label: "sendEdoc, TLS client certificate"))
            print(byHMAC.line(label: "sendEdoc, HMAC headers"))
            print("  " + "sent → all in the mailbox".padding(toLength: 36, withPad: " ", startingAt: 0)
                  + String(format: "%6d docs   %8.0f docs/s", envelopes.count, routedPerSecond))
            print(reference.line(label: "getAgenciesList (reference)"))
        }
    }

    private func client(_ bus: BenchBusNode, hmac: Bool) throws -> VDXPClient {
        let sender = BenchBusNode.sender
        let tls = MutualTLS(trustedCA: .file(bus.pkiFile("trust.pem")),
                            clientCertificate: hmac ? nil : .file(bus.pkiFile("tls-client-\(sender).pem")),
                            clientKey: hmac ? nil : .file(bus.pkiFile("tls-client-\(sender).key")))
        let transport = try CurlHTTPTransport(configuration: TransportConfiguration(tls: tls, maxTransfersPerDestination: concurrency))
        return VDXPClient(transport: transport, configuration: VDXPConfiguration(
            baseURL: bus.baseURL,
            credentials: hmac ? VDXPCredentials(systemId: "bench-sender", secret: BenchBusNode.hmacSecret) : nil))
    }

    private func send(_ envelopes: [[UInt8]], with client: VDXPClient) async throws -> BenchFigures {
        try await measure(envelopes.count) { index in
            let outcome = await client.deliver(envelopes[index], from: BenchBusNode.sender, to: [BenchBusNode.recipient])
            guard case .delivered = outcome else {
                throw CommandFailure.unavailable(outcome.reasonCode, "a bench sendEdoc failed: \(outcome)")
            }
        }
    }

    private func calls(_ count: Int, with client: VDXPClient) async throws -> BenchFigures {
        try await measure(count) { _ in _ = try await client.getAgenciesList() }
    }

    /// Runs `count` calls, `concurrency` at a time, each timed.
    private func measure(_ count: Int, _ call: @escaping @Sendable (Int) async throws -> Void) async throws -> BenchFigures {
        let clock = ContinuousClock()
        let start = clock.now
        let workers = min(concurrency, count)
        let latencies = try await withThrowingTaskGroup(of: [Duration].self) { group in
            for worker in 0..<workers {
                group.addTask {
                    var latencies: [Duration] = []
                    var index = worker
                    while index < count {
                        let begin = clock.now
                        try await call(index)
                        latencies.append(clock.now - begin)
                        index += workers
                    }
                    return latencies
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        return BenchFigures(count: count, elapsed: clock.now - start, latencies: latencies.sorted())
    }
}
