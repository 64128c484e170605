import ArgumentParser
import Foundation
import Relay

/// `lienthong bench relay`: VDXP `sendEdoc` calls (multipart, hash-file, HMAC headers) over
/// mutual TLS to a local bus, on kept-alive connections; the reference, in the same run, is the
/// same call with a fresh connection and TLS handshake each time.
struct BenchRelayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relay",
        abstract: "Requests per second of sendEdoc over mutual TLS keep-alive to a local bus.")

    @Option(help: "sendEdoc calls on kept-alive connections.")
    var requests = 2000

    @Option(help: "sendEdoc calls for the fresh-connection reference.")
    var referenceRequests = 300

    @Option(help: "Calls in flight at once (also the per-destination transfer bound).")
    var concurrency = 4

    @Option(help: "Size of the .edxml file sent in each call, in bytes.")
    var bodyBytes = 16 * 1024

    @Flag(help: "Print the figures as JSON.")
    var json = false

    func validate() throws {
        guard requests > 0, referenceRequests > 0, concurrency > 0, bodyBytes > 0 else {
            throw ValidationError("--requests, --reference-requests, --concurrency and --body-bytes must be positive")
        }
    }

    func run() async throws {
        let pki = try BenchRelayPKI.make()
        defer { pki.remove() }
        let server = try await BenchRelayServer.start(pki: pki)
        let file = [UInt8]((0..<bodyBytes).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })

        _ = try await measure(pki: pki, port: server.port, file: file, count: 50, reuse: true)   // warm-up
        let keepAlive = try await measure(pki: pki, port: server.port, file: file, count: requests, reuse: true)
        let fresh = try await measure(pki: pki, port: server.port, file: file, count: referenceRequests, reuse: false)
        await server.stop()

        if json {
            let object: [String: Any] = [
                "requests": requests, "concurrency": concurrency, "bodyBytes": bodyBytes,
                "keepAlive": keepAlive.json, "freshConnection": fresh.json,
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print("sendEdoc over mutual TLS to a local bus, \(bodyBytes)-byte file, HMAC headers, concurrency \(concurrency)")
            print(keepAlive.line(label: "kept-alive connections"))
            print(fresh.line(label: "fresh connection each (reference)"))
        }
    }

    private func measure(pki: BenchRelayPKI, port: Int, file: [UInt8], count: Int, reuse: Bool) async throws -> BenchFigures {
        let transport = try CurlHTTPTransport(configuration: TransportConfiguration(
            tls: MutualTLS(trustedCA: .file(pki.ca.path), clientCertificate: .file(pki.clientCertificate.path),
                           clientKey: .file(pki.clientKey.path)),
            maxTransfersPerDestination: concurrency, reuseConnections: reuse))
        let client = VDXPClient(transport: transport, configuration: VDXPConfiguration(
            baseURL: "https://127.0.0.1:\(port)/vdxp", credentials: VDXPCredentials(systemId: "bench", secret: "bench-secret")))
        let clock = ContinuousClock()
        let start = clock.now
        let workers = min(concurrency, count)
        let latencies = try await withThrowingTaskGroup(of: [Duration].self) { group in
            for worker in 0..<workers {
                let share = count / workers + (worker < count % workers ? 1 : 0)
                group.addTask {
                    var latencies: [Duration] = []
                    for _ in 0..<share {
                        let begin = clock.now
                        let outcome = await client.deliver(file, from: "000.00.00.G22", to: ["000.00.00.H41"])
                        guard case .delivered = outcome else {
                            throw CommandFailure.unavailable(outcome.reasonCode, "a bench call failed: \(outcome)")
                        }
                        latencies.append(clock.now - begin)
                    }
                    return latencies
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        return BenchFigures(count: count, elapsed: clock.now - start, latencies: latencies.sorted())
    }
}

struct BenchFigures {
    let count: Int
    let elapsed: Duration
    let latencies: [Duration]

    var perSecond: Double { Double(count) / elapsed.seconds }
    func percentile(_ p: Double) -> Double {
        latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))].seconds * 1000
    }

    func line(label: String) -> String {
        "  " + label.padding(toLength: 36, withPad: " ", startingAt: 0)
            + String(format: "%6d calls  %8.0f calls/s  p50 %6.2f ms  p99 %6.2f ms", count, perSecond, percentile(0.5), percentile(0.99))
    }

    var json: [String: Any] {
        ["calls": count, "seconds": elapsed.seconds, "callsPerSecond": perSecond,
         "p50Milliseconds": percentile(0.5), "p99Milliseconds": percentile(0.99)]
    }
}

extension Duration {
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
