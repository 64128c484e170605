import Foundation
import Store

/// `/readyz` probes for the store, the keys, the certificates and the bus.
public enum OperatorReadinessProbes {
    /// The store accepts a write now (a full disk or a read-only mount fails this).
    public static func storeWritable(_ store: SQLiteStore) -> any ReadinessProbe {
        ClosureReadinessProbe(name: "store") {
            do {
                try await store.touchHeartbeat()
                return .ready
            } catch {
                return .notReady(reason: "store.not_writable", detail: "the store refused a write: \(error)")
            }
        }
    }

    public static func keysLoaded(_ status: any SigningKeyStatus) -> any ReadinessProbe {
        ClosureReadinessProbe(name: "keys") {
            await status.keysLoaded() ? .ready
                : .notReady(reason: "keys.not_loaded", detail: "the signing key is not loaded")
        }
    }

    /// Every certificate is inside its validity period at `now()`.
    public static func certificatesValid(_ source: any CertificateExpirySource,
                                         now: @escaping @Sendable () -> Date = { Date() }) -> any ReadinessProbe {
        ClosureReadinessProbe(name: "certificates") {
            let moment = now()
            if let expired = await source.certificates().first(where: { $0.notAfter <= moment }) {
                return .notReady(reason: "cert.expired", detail: "the certificate \(expired.name) expired at \(expired.notAfter)")
            }
            return .ready
        }
    }

    /// The bus answered within `window`. A gateway that never reached the bus is not ready.
    public static func busReachedRecently(_ tracker: BusContactTracker, window: Duration,
                                          now: @escaping @Sendable () -> Date = { Date() }) -> any ReadinessProbe {
        ClosureReadinessProbe(name: "bus") {
            guard let last = tracker.lastContact else {
                return .notReady(reason: "bus.not_reached", detail: "the bus has not been reached since start")
            }
            let seconds = Double(window.components.seconds)
            if now().timeIntervalSince(last) > seconds {
                return .notReady(reason: "bus.not_reached", detail: "the bus was last reached at \(last), over \(Int(seconds)) s ago")
            }
            return .ready
        }
    }
}
