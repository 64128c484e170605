import Foundation
import LibCurl

/// A's own record of how long units waited for their 202 (`lienthong_unit_submission_duration_seconds`
/// on its `/metrics`), read before and after a batch: the acknowledgement latency at A's clock,
/// beside the unit's, which also holds the unit's own wait for a CPU on this shared machine.
/// Bucket bounds limit it to "within X ms".
struct AcknowledgementHistogram: Sendable {
    static let metric = "lienthong_unit_submission_duration_seconds"

    /// Cumulative counts by upper bound in seconds, `+Inf` as `.infinity`.
    let buckets: [(bound: Double, count: Double)]

    static func read(from api: String, client: CurlClient) async throws -> AcknowledgementHistogram? {
        let response = try await client.perform(CurlRequest(method: "GET", url: "\(api)/metrics"))
        guard response.status == 200 else { return nil }
        return parse(String(decoding: response.body, as: UTF8.self))
    }

    /// The `_bucket{le="…"}` lines of the histogram in a Prometheus text exposition.
    static func parse(_ exposition: String) -> AcknowledgementHistogram? {
        let prefix = "\(metric)_bucket{le=\""
        var buckets: [(Double, Double)] = []
        for line in exposition.split(separator: "\n") where line.hasPrefix(prefix) {
            let rest = line.dropFirst(prefix.count)
            guard let quote = rest.firstIndex(of: "\""), let space = rest.lastIndex(of: " "),
                  let count = Double(rest[rest.index(after: space)...]) else { continue }
            let bound = rest[..<quote] == "+Inf" ? Double.infinity : Double(rest[..<quote])
            if let bound { buckets.append((bound, count)) }
        }
        return buckets.isEmpty ? nil : AcknowledgementHistogram(buckets: buckets.sorted { $0.0 < $1.0 })
    }

    /// What was recorded between `earlier` and this reading.
    func since(_ earlier: AcknowledgementHistogram) -> AcknowledgementHistogram {
        AcknowledgementHistogram(buckets: buckets.map { bucket in
            (bucket.bound, bucket.count - (earlier.buckets.first { $0.bound == bucket.bound }?.count ?? 0))
        })
    }

    var total: Double { buckets.last?.count ?? 0 }

    /// The smallest bucket bound, in milliseconds, within which `fraction` of the recorded waits fall.
    func bound(holding fraction: Double) -> Double? {
        guard total > 0 else { return nil }
        return buckets.first { $0.count >= fraction * total }.map { $0.bound * 1000 }
    }

    /// The share of the waits within `milliseconds` (a bucket bound).
    func share(within milliseconds: Double) -> Double? {
        guard total > 0, let bucket = buckets.first(where: { abs($0.bound * 1000 - milliseconds) < 1e-9 }) else { return nil }
        return bucket.count / total
    }
}
