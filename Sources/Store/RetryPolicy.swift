import Foundation

/// How often and how long a destination's messages are retried: exponential backoff with full
/// jitter (a uniform delay in [0, min(cap, base·2^(n-1))] before try n+1), at most `maxAttempts`
/// tries, and never past `maxAge` after the message was queued.
public struct RetryPolicy: Sendable, Equatable, Codable {
    public var base: Duration
    public var cap: Duration
    public var maxAttempts: Int
    public var maxAge: Duration

    public init(base: Duration = .seconds(2), cap: Duration = .seconds(600),
                maxAttempts: Int = 20, maxAge: Duration = .seconds(72 * 3600)) {
        self.base = base
        self.cap = cap
        self.maxAttempts = maxAttempts
        self.maxAge = maxAge
    }

    /// The ceiling of the jittered delay after the `failures`-th failed attempt (1-based).
    public func ceiling(afterFailures failures: Int) -> Duration {
        let exponent = max(0, min(failures - 1, 40))
        let scaled = Double(base.millis) * pow(2, Double(exponent))
        return .milliseconds(Int64(min(scaled, Double(cap.millis))))
    }

    /// The delay before the next try: full jitter under the ceiling, but never sooner than the
    /// far side asked for (Retry-After).
    public func delay(afterFailures failures: Int, jitter: Double, notBefore: Duration?) -> Duration {
        let jittered = Duration.milliseconds(Int64(Double(ceiling(afterFailures: failures).millis) * jitter))
        guard let notBefore else { return jittered }
        return max(jittered, notBefore)
    }
}

/// When a destination's circuit opens and how long it stays open before one probe is let through.
public struct BreakerPolicy: Sendable, Equatable, Codable {
    public var failureThreshold: Int
    public var openDuration: Duration

    public init(failureThreshold: Int = 5, openDuration: Duration = .seconds(30)) {
        self.failureThreshold = failureThreshold
        self.openDuration = openDuration
    }
}

/// The queue's rules: retry policy per destination (with a default) and the breaker.
public struct QueuePolicy: Sendable, Equatable {
    public var defaultRetry: RetryPolicy
    public var retryByDestination: [String: RetryPolicy]
    public var breaker: BreakerPolicy

    public init(defaultRetry: RetryPolicy = RetryPolicy(), retryByDestination: [String: RetryPolicy] = [:],
                breaker: BreakerPolicy = BreakerPolicy()) {
        self.defaultRetry = defaultRetry
        self.retryByDestination = retryByDestination
        self.breaker = breaker
    }

    public func retry(for destination: String) -> RetryPolicy {
        retryByDestination[destination] ?? defaultRetry
    }
}
