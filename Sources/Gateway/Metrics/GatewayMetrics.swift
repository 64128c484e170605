import CoreMetrics
import Foundation
import Prometheus
import Store
import Synchronization

/// The daemon's metrics, in a Prometheus registry of its own (not the global `MetricsSystem`, so
/// tests and several daemons in one process do not share series). Events are recorded through
/// swift-metrics types built on the registry's factory; queue figures are read from the store at
/// each scrape, so they are right even when another process (the CLI) changed the queue.
public final class GatewayMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    public let factory: PrometheusMetricsFactory
    /// Destinations seen at earlier scrapes: one purged from the store reads 0, not its last count.
    private let knownDestinations = Mutex<Set<String>>([])
    /// A unit's wait for its 202: buckets around the milliseconds a durable acknowledgement takes
    /// (docs/perf/exchange.md), where the delivery buckets start at 50 ms.
    private let submissionDuration: DurationHistogram

    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
            .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30), .seconds(60),
        ]
        self.factory = factory
        submissionDuration = registry.makeDurationHistogram(
            name: "lienthong_unit_submission_duration_seconds",
            buckets: [.milliseconds(1), .milliseconds(2), .milliseconds(5), .microseconds(7500), .milliseconds(10),
                      .milliseconds(15), .milliseconds(20), .milliseconds(30), .milliseconds(50), .milliseconds(100),
                      .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10)],
            help: "From a unit's document submission reaching the handler to its durable acknowledgement (202)")
    }

    /// A unit's document was accepted: durable and acknowledged `duration` after its request
    /// reached the handler (its body read included).
    public func recordSubmission(duration: Duration) {
        submissionDuration.record(duration)
    }

    /// A delivery attempt ended: delivered, or failed with a reason code.
    public func recordAttempt(destination: String, reasonCode: String?, delivered: Bool, duration: Duration) {
        if delivered {
            deliveries(to: destination).increment()
        } else {
            CoreMetrics.Counter(label: "lienthong_delivery_failures_total",
                    dimensions: [("destination", destination), ("reason", reasonCode ?? "unknown")], factory: factory).increment()
        }
        CoreMetrics.Timer(label: "lienthong_delivery_attempt_duration_seconds", dimensions: [("destination", destination)], factory: factory)
            .recordNanoseconds(Int64(duration.components.seconds) * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }

    /// A message handed over in a push's answer was confirmed taken (see `StatusReply`): counted
    /// with the worker's deliveries; there was no attempt of the worker's to time.
    public func recordDeliveredInAnswer(destination: String) {
        deliveries(to: destination).increment()
    }

    private func deliveries(to destination: String) -> CoreMetrics.Counter {
        CoreMetrics.Counter(label: "lienthong_deliveries_total", dimensions: [("destination", destination)], factory: factory)
    }

    /// The inbound pipeline decided on a document: `accepted`, `duplicate` or `refused` with a reason.
    public func recordInboundVerdict(_ verdict: String, reasonCode: String?) {
        CoreMetrics.Counter(label: "lienthong_inbound_verdicts_total",
                dimensions: [("verdict", verdict), ("reason", reasonCode ?? "none")], factory: factory).increment()
    }

    /// A request was answered with a refusal: a problem+json error on the unit API or the bus
    /// endpoint, a `FAIL` reply of the bus API. `listener` is the configuration's name for it
    /// (`unit_api`, `bus_endpoint`, `bus_api`), `reasonCode` the code the client was given.
    public func recordRefusal(listener: String, reasonCode: String) {
        CoreMetrics.Counter(label: "lienthong_refusals_total",
                            dimensions: [("listener", listener), ("reason", reasonCode)], factory: factory).increment()
    }

    /// Sets the gauges read from the store and the certificate source, then returns the exposition.
    public func scrape(store: SQLiteStore?, certificates: (any CertificateExpirySource)?, now: Date = Date()) async throws -> String {
        if let store {
            let stats = try await store.stats()
            let destinations = knownDestinations.withLock { known in
                known.formUnion(stats.byDestination.keys)
                return known
            }
            for destination in destinations {
                for state in MessageState.allCases {
                    gauge("lienthong_messages", [("state", state.rawValue), ("destination", destination)])
                        .record(stats.byDestination[destination]?[state] ?? 0)
                }
            }
            let age = stats.oldestUndeliveredAt.map { max(0, now.timeIntervalSince($0)) } ?? 0
            gauge("lienthong_oldest_undelivered_age_seconds", []).record(age)
            for breaker in stats.breakers {
                gauge("lienthong_breaker_state", [("destination", breaker.destination)]).record(Self.breakerValue(breaker.state))
            }
            gauge("lienthong_store_size_bytes", []).record(store.sizeOnDisk())
        }
        if let certificates {
            for certificate in await certificates.certificates() {
                gauge("lienthong_certificate_expiry_seconds", [("certificate", certificate.name)])
                    .record(certificate.notAfter.timeIntervalSince(now))
            }
        }
        return registry.emitToString()
    }

    /// 0 closed, 1 half-open, 2 open: ordered by trouble, so `> 0` alerts.
    static func breakerValue(_ state: BreakerState) -> Int {
        switch state {
        case .closed: 0
        case .halfOpen: 1
        case .open: 2
        }
    }

    private func gauge(_ name: String, _ dimensions: [(String, String)]) -> CoreMetrics.Gauge {
        CoreMetrics.Gauge(label: name, dimensions: dimensions, factory: factory)
    }
}
