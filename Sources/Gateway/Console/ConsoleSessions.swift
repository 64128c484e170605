import Foundation
import LibCrypto
import Store

/// A signed-in operator. The CSRF token is per session and goes into every form.
struct ConsoleSession: Sendable {
    var token: String
    var operatorName: String
    var role: OperatorRole
    var csrfToken: String
    var expiresAt: Date
    /// The account's password hash at sign-in: a new password ends the session.
    var passwordHash: String
}

/// Sessions live in the daemon's memory: a restart signs everyone out, which is acceptable for a
/// console and keeps session tokens off the disk. Idle sessions expire after `lifetime`.
actor ConsoleSessions {
    private var sessions: [String: ConsoleSession] = [:]
    private let lifetime: TimeInterval
    private let now: @Sendable () -> Date
    private let maxSessions = 10_000

    init(lifetime: Duration, now: @escaping @Sendable () -> Date) {
        self.lifetime = Double(lifetime.components.seconds)
        self.now = now
    }

    func open(for account: OperatorAccount) -> ConsoleSession {
        dropExpired()
        if sessions.count >= maxSessions, let oldest = sessions.values.min(by: { $0.expiresAt < $1.expiresAt }) {
            sessions[oldest.token] = nil
        }
        let session = ConsoleSession(token: PasswordHash.randomToken(), operatorName: account.name, role: account.role,
                                     csrfToken: PasswordHash.randomToken(), expiresAt: now().addingTimeInterval(lifetime),
                                     passwordHash: account.passwordHash)
        sessions[session.token] = session
        return session
    }

    /// The live session for `token`, its expiry pushed out (idle timeout); nil once expired.
    func session(for token: String) -> ConsoleSession? {
        guard var session = sessions[token] else { return nil }
        guard session.expiresAt > now() else {
            sessions[token] = nil
            return nil
        }
        session.expiresAt = now().addingTimeInterval(lifetime)
        sessions[token] = session
        return session
    }

    func close(_ token: String) { sessions[token] = nil }

    private func dropExpired() {
        let moment = now()
        sessions = sessions.filter { $0.value.expiresAt > moment }
    }
}

/// Slows failed sign-ins per account name: each failure doubles the wait before the answer
/// (from 250 ms up to 4 s), and after `lockAfter` failures within `window` the name is refused
/// outright, without checking the password, until the window has passed since the last failure.
actor SignInThrottle {
    struct Record { var failures: Int; var lastFailure: Date }
    private var records: [String: Record] = [:]
    let lockAfter: Int
    let window: TimeInterval
    private let now: @Sendable () -> Date

    let capacity: Int

    init(lockAfter: Int = 5, window: Duration = .seconds(900), capacity: Int = 100_000, now: @escaping @Sendable () -> Date) {
        self.lockAfter = lockAfter
        self.capacity = capacity
        self.window = Double(window.components.seconds)
        self.now = now
    }

    /// Counts an attempt for `name` before its password is checked, and says whether it may go
    /// ahead: counted first, so a burst of parallel guesses cannot all pass the check while the
    /// first ones are still hashing. A success clears the count (`succeeded`).
    func begin(_ name: String) -> Bool {
        var record = current(name) ?? Record(failures: 0, lastFailure: now())
        guard record.failures < lockAfter else { return false }
        record.failures += 1
        record.lastFailure = now()
        if records[name] == nil && records.count >= capacity { makeRoom() }
        records[name] = record
        return true
    }

    /// The attempt `begin` counted failed: how long to wait before answering.
    func failed(_ name: String) -> Duration {
        Self.delay(afterFailures: current(name)?.failures ?? 1)
    }

    func succeeded(_ name: String) { records[name] = nil }

    /// Names are whatever a client types: at `capacity`, expired records go first, then those
    /// not locked, so spraying names cannot free a locked account.
    private func makeRoom() {
        let moment = now()
        records = records.filter { moment.timeIntervalSince($0.value.lastFailure) <= window }
        if records.count >= capacity { records = records.filter { $0.value.failures >= lockAfter } }
    }

    static func delay(afterFailures failures: Int) -> Duration {
        .milliseconds(min(4000, 250 << min(max(failures - 1, 0), 5)))
    }

    private func current(_ name: String) -> Record? {
        guard let record = records[name] else { return nil }
        if now().timeIntervalSince(record.lastFailure) > window {
            records[name] = nil
            return nil
        }
        return record
    }
}
