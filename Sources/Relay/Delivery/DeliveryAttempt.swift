import Store

/// What one finished delivery attempt came to, for metrics (`DeliveryWorker`'s `onAttempt`).
public struct DeliveryAttempt: Sendable, Equatable {
    public var messageID: String
    public var destination: String
    /// nil when delivered; else the failure's reason code (`relay.http_5xx`, `queue.lease_lost`…).
    public var reasonCode: String?
    public var delivered: Bool
    public var duration: Duration
    /// Where the message went (nil when the store could not record the attempt).
    public var state: MessageState?
}

extension AttemptResult {
    /// The relay's outcome in the store's terms, keeping its reason code, HTTP status and
    /// `Retry-After`, so the retry policy and the operator see what the relay saw.
    public init(_ outcome: TransferOutcome) {
        switch outcome {
        case .delivered(_, let httpStatus):
            self = .delivered(httpStatus: httpStatus)
        case .retryable(let failure, let retryAfter):
            self = .failed(.classified(reasonCode: failure.reasonCode, detail: failure.explanation,
                                       httpStatus: failure.httpStatus, retryable: true, retryAfter: retryAfter))
        case .permanent(let failure):
            self = .failed(.classified(reasonCode: failure.reasonCode, detail: failure.explanation,
                                       httpStatus: failure.httpStatus, retryable: false, retryAfter: nil))
        }
    }
}
