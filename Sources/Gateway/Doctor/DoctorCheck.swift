import Foundation

/// One thing `lienthong doctor` verifies. Each layer contributes its own checks (key matches
/// certificate, chain valid, bus reachable over TLS…) by appending `DoctorCheck`s to the list.
public struct DoctorCheck: Sendable {
    /// What is checked, e.g. `files`, `secrets`, `bus.reachable`.
    public let name: String
    private let body: @Sendable (DoctorContext) async -> [DoctorFinding]

    public init(_ name: String, _ body: @escaping @Sendable (DoctorContext) async -> [DoctorFinding]) {
        self.name = name
        self.body = body
    }

    public func run(_ context: DoctorContext) async -> [DoctorFinding] { await body(context) }
}

/// What a check sees: the decoded configuration and the process environment (for secrets).
public struct DoctorContext: Sendable {
    public let configuration: GatewayConfiguration
    public let environment: [String: String]
    /// How long a network check may wait for an answer.
    public let networkTimeout: Duration
    /// The time certificates are checked at.
    public let now: Date

    public init(configuration: GatewayConfiguration, environment: [String: String] = ProcessInfo.processInfo.environment,
                networkTimeout: Duration = .seconds(3), now: Date = Date()) {
        self.configuration = configuration
        self.environment = environment
        self.networkTimeout = networkTimeout
        self.now = now
    }
}

public enum DoctorStatus: String, Sendable, Codable, Comparable {
    case ok, warn, fail

    public static func < (lhs: DoctorStatus, rhs: DoctorStatus) -> Bool {
        let order: [DoctorStatus] = [.ok, .warn, .fail]
        return order.firstIndex(of: lhs)! < order.firstIndex(of: rhs)!
    }
}

/// One line of the doctor's report: what was found about one subject, and what to do about it.
public struct DoctorFinding: Sendable, Codable, Equatable {
    public let status: DoctorStatus
    /// The configuration key or subject, e.g. `signing.key_file`, `bus.url`.
    public let subject: String
    public let message: String
    /// What to change, for `warn` and `fail`.
    public let fix: String?
    /// True for a failure to reach a service (the bus did not answer), not a mistake in the
    /// configuration or its files: what the command-line contract exits 69 for, not 65.
    public var serviceUnavailable: Bool?

    public init(_ status: DoctorStatus, _ subject: String, _ message: String, fix: String? = nil) {
        self.status = status
        self.subject = subject
        self.message = message
        self.fix = fix
    }

    public static func ok(_ subject: String, _ message: String) -> DoctorFinding { .init(.ok, subject, message) }
    public static func warn(_ subject: String, _ message: String, fix: String) -> DoctorFinding { .init(.warn, subject, message, fix: fix) }
    public static func fail(_ subject: String, _ message: String, fix: String) -> DoctorFinding { .init(.fail, subject, message, fix: fix) }
    public static func unreachable(_ subject: String, _ message: String, fix: String) -> DoctorFinding {
        var finding = DoctorFinding(.fail, subject, message, fix: fix)
        finding.serviceUnavailable = true
        return finding
    }

    /// `fail bus.url: cannot connect to bus.example:443 (connection refused); fix: …`
    public var line: String {
        var text = "\(status.rawValue.padding(toLength: 4, withPad: " ", startingAt: 0)) \(subject): \(message)"
        if let fix { text += "; fix: \(fix)" }
        return text
    }
}

/// Runs checks in order and collects their findings.
public struct Doctor: Sendable {
    public var checks: [DoctorCheck]

    public init(checks: [DoctorCheck] = Doctor.standardChecks) {
        self.checks = checks
    }

    public func run(_ context: DoctorContext) async -> [DoctorFinding] {
        var findings: [DoctorFinding] = []
        for check in checks { findings += await check.run(context) }
        return findings
    }

    /// Every check, in the order of the report.
    public static let standardChecks: [DoctorCheck] = [
        FileChecks.files, FileChecks.store, SecretChecks.secrets, IdentityChecks.organIds, IdentityChecks.units,
        ListenerChecks.listeners, BusChecks.bus, PolicyChecks.signature, PolicyChecks.busSigning,
        CertificateChecks.keyPairs, CertificateChecks.signingChain, CertificateChecks.expiry, BusTLSChecks.busTLS,
    ]
}
