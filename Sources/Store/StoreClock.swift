import Foundation

/// The time the store reads. Injected so tests can drive leases, backoff and breakers
/// without sleeping.
public protocol StoreClock: Sendable {
    func now() -> Date
}

public struct SystemClock: StoreClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A source of uniform fractions in [0, 1) for backoff jitter. Injected so a retry schedule is
/// reproducible in tests.
public protocol JitterSource: Sendable {
    func nextFraction() -> Double
}

public struct SystemJitter: JitterSource {
    public init() {}
    public func nextFraction() -> Double { Double.random(in: 0..<1) }
}

/// Milliseconds since 1970: how the store writes times, portable to any SQL engine.
extension Date {
    var storeMillis: Int64 { Int64((timeIntervalSince1970 * 1000).rounded(.down)) }
    init(storeMillis: Int64) { self.init(timeIntervalSince1970: Double(storeMillis) / 1000) }
}

extension Duration {
    var millis: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
    var timeInterval: TimeInterval { Double(millis) / 1000 }
}
