import Foundation
import Gateway
import Store
import Testing
import TestSupport

@Suite("Metrics and readiness")
struct MetricsAndHealthTests {
    @Test func theExpositionParsesAndCarriesTheQueueSeries() async throws {
        let fixture = try await ConsoleFixture()
        fixture.surface.metrics.recordAttempt(destination: "000.00.00.G22", reasonCode: nil, delivered: true, duration: .milliseconds(300))
        fixture.surface.metrics.recordAttempt(destination: "000.00.00.G22", reasonCode: "delivery.http_503", delivered: false,
                                              duration: .seconds(2))
        fixture.surface.metrics.recordInboundVerdict("refused", reasonCode: "signature.digest_mismatch")
        try await fixture.test { browser in
            let response = try await browser.get("/metrics")
            #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            let samples = try PrometheusText.samples(response.html)
            #expect(samples["lienthong_messages{state=\"retry_wait\",destination=\"000.00.00.G22\"}"] == 1)
            #expect(samples["lienthong_messages{state=\"queued\",destination=\"000.00.00.G22\"}"] == 1)
            #expect(samples["lienthong_messages{state=\"dead\",destination=\"000.00.00.H14\"}"] == 1)
            #expect((samples["lienthong_oldest_undelivered_age_seconds"] ?? -1) >= 0)
            #expect((samples["lienthong_store_size_bytes"] ?? 0) > 0)
            #expect((samples["lienthong_certificate_expiry_seconds{certificate=\"signing\"}"] ?? 0) > 39 * 86400)
            #expect(samples["lienthong_deliveries_total{destination=\"000.00.00.G22\"}"] == 1)
            #expect(samples["lienthong_delivery_failures_total{destination=\"000.00.00.G22\",reason=\"delivery.http_503\"}"] == 1)
            #expect(samples["lienthong_inbound_verdicts_total{verdict=\"refused\",reason=\"signature.digest_mismatch\"}"] == 1)
            #expect(samples["lienthong_delivery_attempt_duration_seconds_count{destination=\"000.00.00.G22\"}"] == 2)
            #expect(samples["lienthong_delivery_attempt_duration_seconds_bucket{destination=\"000.00.00.G22\",le=\"0.5\"}"] == 1)
        }
    }

    @Test func breakerStateIsANumberOrderedByTrouble() async throws {
        let fixture = try await ConsoleFixture()
        try await fixture.test { browser in
            let samples = try PrometheusText.samples(try await browser.get("/metrics").html)
            // One failure does not open the default breaker.
            #expect(samples.keys.filter { $0.hasPrefix("lienthong_breaker_state") }.allSatisfy { samples[$0] == 0 })
        }
    }

    @Test func probesReportStoreKeysCertificatesAndBus() async throws {
        let fixture = try await ConsoleFixture()
        #expect(await OperatorReadinessProbes.storeWritable(fixture.store).check() == .ready)

        struct Keys: SigningKeyStatus { let loaded: Bool; func keysLoaded() async -> Bool { loaded } }
        #expect(await OperatorReadinessProbes.keysLoaded(Keys(loaded: true)).check() == .ready)
        #expect(await OperatorReadinessProbes.keysLoaded(Keys(loaded: false)).check()
                == .notReady(reason: "keys.not_loaded", detail: "the signing key is not loaded"))

        let now = Date()
        let valid = StaticCertificates([CertificateExpiry(name: "signing", notAfter: now.addingTimeInterval(60))])
        #expect(await OperatorReadinessProbes.certificatesValid(valid, now: { now }).check() == .ready)
        guard case .notReady(let reason, _) = await OperatorReadinessProbes.certificatesValid(valid, now: { now.addingTimeInterval(61) }).check()
        else { Issue.record("an expired certificate was ready"); return }
        #expect(reason == "cert.expired")

        let tracker = BusContactTracker()
        let bus = OperatorReadinessProbes.busReachedRecently(tracker, window: .seconds(120), now: { now })
        guard case .notReady(let never, _) = await bus.check() else { Issue.record("never reached was ready"); return }
        #expect(never == "bus.not_reached")
        tracker.recordContact(at: now.addingTimeInterval(-60))
        #expect(await bus.check() == .ready)
        tracker.recordContact(at: now.addingTimeInterval(-180))
        guard case .notReady = await bus.check() else { Issue.record("a stale contact was ready"); return }
    }

    @Test func theStoreProbeFailsWhenTheDatabaseIsReadOnly() async throws {
        let fixture = try await ConsoleFixture()
        let database = fixture.directory.file("queue.sqlite")
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: database.path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: database.path) }
        // A fresh store over a read-only file cannot write; root ignores modes, so skip then.
        guard getuid() != 0 else { return }
        let readOnly = try? SQLiteStore(directory: fixture.directory.url)
        if let readOnly {
            guard case .notReady(let reason, _) = await OperatorReadinessProbes.storeWritable(readOnly).check() else {
                Issue.record("a read-only store was ready"); return
            }
            #expect(reason == "store.not_writable")
        }
    }
}
