import Foundation

/// What the bus said to one delivery attempt, in the terms of the retry policy.
public enum TransferOutcome: Sendable, Equatable {
    /// The far side has the message. `busDocId` is its transport id, when it returned one;
    /// `httpStatus` the status of the answer that said so, for the attempt's record.
    case delivered(busDocId: String?, httpStatus: Int? = nil)
    /// Try again later; `retryAfter` is the far side's wish (`Retry-After`), if it stated one.
    case retryable(RelayFailure, retryAfter: Duration?)
    /// Do not try again: the far side refused this message.
    case permanent(RelayFailure)

    public init(_ failure: RelayFailure) {
        switch failure.disposition {
        case .retryable(let after): self = .retryable(failure, retryAfter: after)
        case .permanent: self = .permanent(failure)
        }
    }

    /// Classifies anything a delivery attempt threw. A `RelayFailure` carries its own disposition;
    /// cancellation is retryable (the message goes back to the queue); anything else is a fault
    /// of ours, retryable so the message survives it.
    public init(classifying error: any Error) {
        switch error {
        case let failure as RelayFailure:
            self.init(failure)
        case is CancellationError:
            self.init(RelayFailure(RelayReason.cancelled, "the attempt was cancelled", disposition: .retryable(after: nil)))
        default:
            self.init(RelayFailure(RelayReason.network, "the attempt failed: \(error)", disposition: .retryable(after: nil)))
        }
    }

    /// `relay.delivered` or the failure's reason code.
    public var reasonCode: String {
        switch self {
        case .delivered: "relay.delivered"
        case .retryable(let failure, _), .permanent(let failure): failure.reasonCode
        }
    }

    public var failure: RelayFailure? {
        switch self {
        case .delivered: nil
        case .retryable(let failure, _), .permanent(let failure): failure
        }
    }
}

extension RelayFailure {
    /// The failure an HTTP status stands for, or nil for 2xx. 5xx, 408 and 429 are retryable and
    /// honour `Retry-After`; other 4xx are the far side refusing this request for good.
    public static func classify(status: Int, headers: [HTTPField], body: [UInt8], now: Date = Date()) -> RelayFailure? {
        guard !(200..<300).contains(status) else { return nil }
        let retryAfter = headers.first { $0.name.lowercased() == "retry-after" }
            .flatMap { RetryAfter.parse($0.value, now: now) }
        let excerpt = Self.excerpt(body)
        switch status {
        case 429:
            return RelayFailure(RelayReason.rateLimited, "the bus asked us to slow down (HTTP 429)\(excerpt)",
                                disposition: .retryable(after: retryAfter), httpStatus: status)
        case 408:
            return RelayFailure(RelayReason.timeout, "the bus timed the request out (HTTP 408)\(excerpt)",
                                disposition: .retryable(after: retryAfter), httpStatus: status)
        case 500..<600:
            return RelayFailure(RelayReason.http5xx, "the bus failed (HTTP \(status))\(excerpt)",
                                disposition: .retryable(after: retryAfter), httpStatus: status)
        case 401, 403:
            return RelayFailure(RelayReason.unauthorized, "the bus refused our credentials (HTTP \(status))\(excerpt)",
                                disposition: .permanent, httpStatus: status)
        case 400..<500:
            return RelayFailure(RelayReason.http4xx, "the bus refused the request (HTTP \(status))\(excerpt)",
                                disposition: .permanent, httpStatus: status)
        default:
            return RelayFailure(RelayReason.unexpectedStatus, "the bus answered HTTP \(status), which the relay does not follow\(excerpt)",
                                disposition: .permanent, httpStatus: status)
        }
    }

    /// The start of a reply body, for the explanation: bounded and printable.
    static func excerpt(_ body: [UInt8]) -> String {
        guard !body.isEmpty else { return "" }
        let text = String(decoding: body.prefix(200), as: UTF8.self)
            .map { $0.isNewline || ($0.asciiValue.map { $0 < 32 } ?? false) ? " " : String($0) }.joined()
        return ": " + text + (body.count > 200 ? "…" : "")
    }
}
