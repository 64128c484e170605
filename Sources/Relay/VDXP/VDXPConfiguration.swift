import Foundation

/// The VDXP `messagetype` header: a document or a business status message.
public enum VDXPMessageType: String, Sendable, Equatable, CaseIterable {
    case edoc
    case status
}

/// The transport acknowledgement `updateStatus` sends (not a business status: those travel as
/// their own edXML messages).
public enum VDXPTransportStatus: String, Sendable, Equatable {
    case done
    case fail
    case processing
}

/// The HMAC credentials a VDXP bus issues to a connected system.
public struct VDXPCredentials: Sendable, Equatable {
    public var systemId: String
    public var secret: [UInt8]

    public init(systemId: String, secret: [UInt8]) {
        self.systemId = systemId
        self.secret = secret
    }

    public init(systemId: String, secret: String) {
        self.init(systemId: systemId, secret: Array(secret.utf8))
    }
}

public struct VDXPConfiguration: Sendable {
    /// The bus endpoint; calls are `<baseURL>/sendEdoc`, `<baseURL>/getEdoc`, …
    public var baseURL: String
    /// When set, every call carries the `systemid`/`timestamp` and `XroadVnpt-*` HMAC headers.
    public var credentials: VDXPCredentials?
    /// `XroadVnpt-version`, the value the reference SDK sends.
    public var protocolVersion: String
    /// VDXP `ErrorCode`s that mean "try again later" rather than a refusal of the message.
    public var retryableErrorCodes: Set<String>
    /// The clock for the `timestamp` header.
    public var now: @Sendable () -> Date

    public init(baseURL: String, credentials: VDXPCredentials? = nil, protocolVersion: String = "3.0.201608",
                retryableErrorCodes: Set<String> = [], now: @escaping @Sendable () -> Date = { Date() }) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.credentials = credentials
        self.protocolVersion = protocolVersion
        self.retryableErrorCodes = retryableErrorCodes
        self.now = now
    }
}
