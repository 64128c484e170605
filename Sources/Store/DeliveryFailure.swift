/// What went wrong in one delivery attempt, as the delivery worker saw it.
public enum DeliveryFailure: Sendable, Equatable {
    /// The connection could not be made or broke (DNS, refused, reset, TLS); `code` is stable,
    /// e.g. `curl.7`.
    case transport(code: String, detail: String)
    /// No answer within the time allowed.
    case timeout(detail: String)
    /// The far side answered with an HTTP status that is not success.
    case http(status: Int, retryAfter: Duration?, detail: String)
    /// The far side understood the message and refused it for good (e.g. a signature it rejects).
    case refused(reasonCode: String, explanation: String)
    /// A failure the deliverer already classified (the relay's `TransferOutcome`): its own reason
    /// code, the HTTP status when the far side answered, whether retrying may help and when.
    case classified(reasonCode: String, detail: String, httpStatus: Int?, retryable: Bool, retryAfter: Duration?)

    public enum Class: Sendable, Equatable {
        /// Worth trying again; not before `notBefore` when the far side said so (Retry-After).
        case retryable(notBefore: Duration?)
        /// Retrying cannot fix it: the message goes straight to `dead`.
        case permanent
    }

    /// Network trouble, timeouts, 5xx, 408 and 429 are retryable; other 4xx and refusals are not.
    public var classification: Class {
        switch self {
        case .transport, .timeout:
            return .retryable(notBefore: nil)
        case .http(let status, let retryAfter, _):
            if status == 429 || status == 408 || status == 425 || status >= 500 {
                return .retryable(notBefore: retryAfter)
            }
            return .permanent
        case .refused:
            return .permanent
        case .classified(_, _, _, let retryable, let retryAfter):
            return retryable ? .retryable(notBefore: retryAfter) : .permanent
        }
    }

    /// Whether this failure says the destination itself is unwell (counts toward its breaker).
    /// A refusal or a 4xx is an answer from a healthy peer.
    var countsAgainstDestination: Bool {
        if case .retryable = classification { return true }
        return false
    }

    public var reasonCode: String {
        switch self {
        case .transport(let code, _): "delivery.transport.\(code)"
        case .timeout: "delivery.timeout"
        case .http(let status, _, _): "delivery.http_\(status)"
        case .refused(let code, _), .classified(let code, _, _, _, _): code
        }
    }

    public var detail: String {
        switch self {
        case .transport(_, let detail), .timeout(let detail), .http(_, _, let detail): detail
        case .refused(_, let explanation), .classified(_, let explanation, _, _, _): explanation
        }
    }

    var httpStatus: Int? {
        switch self {
        case .http(let status, _, _), .classified(_, _, let status?, _, _): status
        default: nil
        }
    }

    var transportError: String? {
        switch self {
        case .transport(let code, let detail): "\(code): \(detail)"
        case .timeout(let detail): "timeout: \(detail)"
        // No HTTP status: the failure happened below HTTP (or the far side's reply was unusable).
        case .classified(let code, let detail, nil, _, _): "\(code): \(detail)"
        default: nil
        }
    }
}
