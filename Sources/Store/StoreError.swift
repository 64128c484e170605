import EdXML

/// Why the store refused or failed an operation, with a stable reason code.
public struct StoreError: ReasonCoded, Equatable, Sendable {
    public let reasonCode: String
    public let explanation: String

    public init(_ reasonCode: String, _ explanation: String) {
        self.reasonCode = reasonCode
        self.explanation = explanation
    }

    static func illegalTransition(_ id: String, from: MessageState, to: MessageState) -> StoreError {
        StoreError("queue.illegal_transition",
                   "message \(id) cannot go from \(from.rawValue) to \(to.rawValue)")
    }

    static func notFound(_ id: String) -> StoreError {
        StoreError("queue.not_found", "no message has the id \(id)")
    }

    static func leaseLost(_ id: String) -> StoreError {
        StoreError("queue.lease_lost",
                   "the lease on message \(id) expired and was taken over or the message was changed; the result of this attempt was not recorded")
    }

    static func idempotencyConflict(_ key: String) -> StoreError {
        StoreError("queue.idempotency_conflict",
                   "the idempotency key \(key) was already used for a different submission")
    }

    static func io(_ what: String, _ errno: Int32) -> StoreError {
        StoreError("store.io", "\(what): \(String(cString: strerror(errno)))")
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
