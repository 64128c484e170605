import Foundation
import GRDB

extension SQLiteStore {
    @discardableResult
    public func complete(_ lease: Lease, result: AttemptResult, duration: Duration) async throws -> MessageState {
        try await report(lease, result: result, duration: duration).state
    }

    /// `complete`, also saying whom the message was for.
    private func report(_ lease: Lease, result: AttemptResult,
                        duration: Duration) async throws -> (state: MessageState, destination: String) {
        let now = nowMillis()
        let policy = self.policy
        let jitter = options.jitter
        return try await write(mustSync: false) { db in
            guard let current = try db.cachedStatement(sql: """
                SELECT state, lease_token, destination, budget_attempts, age_origin FROM messages WHERE id = ?
                """).decodeFirst(arguments: [lease.messageID], LeasedRow.init(row:)) else {
                throw StoreError.notFound(lease.messageID)
            }
            guard try Transition.state(current.state, ofMessage: lease.messageID) == .sending, current.leaseToken == lease.token else {
                throw StoreError.leaseLost(lease.messageID)
            }
            let destination = current.destination
            let next = Self.nextStep(after: result, budgetAttempts: current.budgetAttempts, ageOrigin: current.ageOrigin,
                                     now: now, policy: policy.retry(for: destination), jitter: jitter)
            try Self.recordAttempt(db, lease: lease, result: result, duration: duration, outcome: next.outcome)
            switch result {
            case .failed(let failure) where failure.countsAgainstDestination:
                try BreakerGate.recordFailure(db, destination: destination, now: now, policy: policy.breaker)
            default:
                try BreakerGate.recordSuccess(db, destination: destination)
            }
            try Transition.move(db, id: lease.messageID, from: .sending, to: next.state, at: now,
                                reasonCode: next.reasonCode, detail: next.detail, actor: lease.worker,
                                setting: ["lease_token": nil, "lease_owner": nil, "due_at": next.dueAt,
                                          "last_reason_code": next.lastReasonCode, "last_reason": next.lastReason])
            return (next.state, destination)
        }
    }

    /// A message an enqueue leased to a pseudo-worker of the caller's (`HandOff`), which the
    /// caller handed over itself, now confirmed taken by the far side under that lease's token:
    /// its first attempt is recorded delivered. Nil when the lease is no longer that one (it
    /// expired and a delivery worker took the message over, or the message is gone): the
    /// message then goes, or went, the ordinary way. Returns the confirmed message's destination.
    @discardableResult
    public func confirmHandedOver(messageID: String, leaseToken: String, worker: String) async throws -> String? {
        let lease = Lease(messageID: messageID, token: leaseToken, worker: worker, attemptNumber: 1,
                          startedAt: Date(storeMillis: 0), expiresAt: Date(storeMillis: 0))
        do {
            return try await report(lease, result: .delivered(httpStatus: nil), duration: .zero).destination
        } catch let error as StoreError where error.reasonCode == "queue.lease_lost" || error.reasonCode == "queue.not_found" {
            return nil
        }
    }

    /// What a report needs of its message's row.
    private struct LeasedRow {
        var state: String
        var leaseToken: String?
        var destination: String
        var budgetAttempts: Int
        var ageOrigin: Int64

        init(row: Row) {
            state = row[0]
            leaseToken = row[1]
            destination = row[2]
            budgetAttempts = row[3]
            ageOrigin = row[4]
        }
    }

    struct NextStep {
        var state: MessageState
        var outcome: Attempt.Outcome
        var dueAt: Int64?
        var reasonCode: String?
        var detail: String?
        var lastReasonCode: String?
        var lastReason: String?
    }

    /// The retry policy applied to one attempt's result.
    static func nextStep(after result: AttemptResult, budgetAttempts: Int, ageOrigin: Int64, now: Int64,
                         policy: RetryPolicy, jitter: any JitterSource) -> NextStep {
        guard case .failed(let failure) = result else {
            return NextStep(state: .delivered, outcome: .delivered, reasonCode: "queue.delivered")
        }
        let code = failure.reasonCode
        switch failure.classification {
        case .permanent:
            return NextStep(state: .dead, outcome: .dead, reasonCode: code, detail: failure.detail,
                            lastReasonCode: code, lastReason: failure.detail)
        case .retryable(let notBefore):
            if let (giveUp, why) = exhausted(policy, budgetAttempts: budgetAttempts, ageOrigin: ageOrigin, now: now) {
                return NextStep(state: .dead, outcome: .dead, reasonCode: giveUp, detail: "\(why); last: \(code): \(failure.detail)",
                                lastReasonCode: code, lastReason: "\(failure.detail) (\(why))")
            }
            let delay = policy.delay(afterFailures: budgetAttempts, jitter: jitter.nextFraction(), notBefore: notBefore)
            return NextStep(state: .retryWait, outcome: .retry, dueAt: now + delay.millis, reasonCode: code,
                            detail: "\(failure.detail); next try in \(delay)", lastReasonCode: code, lastReason: failure.detail)
        }
    }

    private static func recordAttempt(_ db: Database, lease: Lease, result: AttemptResult, duration: Duration,
                                      outcome: Attempt.Outcome) throws {
        var httpStatus: Int?
        var failure: DeliveryFailure?
        switch result {
        case .delivered(let status): httpStatus = status
        case .failed(let reason): failure = reason; httpStatus = reason.httpStatus
        }
        try db.cachedStatement(sql: """
            UPDATE attempts SET duration_ms = ?, http_status = ?, transport_error = ?, reason_code = ?, reason = ?, outcome = ?
            WHERE message_id = ? AND number = ?
            """).execute(arguments: [duration.millis, httpStatus, failure?.transportError, failure?.reasonCode, failure?.detail,
                             outcome.rawValue, lease.messageID, lease.attemptNumber])
    }
}
