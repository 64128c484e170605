import EdXML

/// Why a transfer to the bus did not deliver, with a stable reason code and what retrying can do.
public struct RelayFailure: ReasonCoded, Sendable, Equatable {
    public enum Disposition: Sendable, Equatable {
        /// Trying again later may succeed; `after` is the far side's `Retry-After`, if it sent one.
        case retryable(after: Duration?)
        /// Retrying the same message cannot succeed: the far side refused it.
        case permanent
    }

    public let reasonCode: String
    public let explanation: String
    public let disposition: Disposition
    /// The HTTP status, when the far side answered.
    public var httpStatus: Int?
    /// The libcurl code, when the transfer failed below HTTP.
    public var curlCode: Int?
    /// VDXP's `ErrorCode`, when the bus answered `status: FAIL`.
    public var busErrorCode: String?

    public init(_ reasonCode: String, _ explanation: String, disposition: Disposition,
                httpStatus: Int? = nil, curlCode: Int? = nil, busErrorCode: String? = nil) {
        self.reasonCode = reasonCode
        self.explanation = explanation
        self.disposition = disposition
        self.httpStatus = httpStatus
        self.curlCode = curlCode
        self.busErrorCode = busErrorCode
    }

    public var isRetryable: Bool {
        if case .retryable = disposition { true } else { false }
    }
}

/// The stable reason codes of the relay. Published codes never change meaning.
public enum RelayReason {
    public static let connectFailed = "relay.connect_failed"
    public static let resolveFailed = "relay.resolve_failed"
    public static let timeout = "relay.timeout"
    public static let tlsHandshakeFailed = "relay.tls_handshake_failed"
    public static let tlsUntrusted = "relay.tls_untrusted"
    public static let tlsPinMismatch = "relay.tls_pin_mismatch"
    public static let tlsClientRejected = "relay.tls_client_rejected"
    public static let tlsLocalSetup = "relay.tls_local_setup"
    public static let network = "relay.network"
    public static let replyTooLarge = "relay.reply_too_large"
    public static let badReply = "relay.bad_reply"
    public static let invalidRequest = "relay.invalid_request"
    public static let cancelled = "relay.cancelled"
    public static let http5xx = "relay.http_5xx"
    public static let rateLimited = "relay.rate_limited"
    public static let http4xx = "relay.http_4xx"
    public static let unauthorized = "relay.unauthorized"
    public static let unexpectedStatus = "relay.unexpected_status"
    public static let refused = "relay.refused"
    public static let busFailed = "relay.bus_failed"
    public static let noRoute = "relay.no_route"
}
