/// PEM material: a file read when connecting, or bytes already in memory.
public enum PEMInput: Sendable, Equatable {
    case file(String)
    case pem([UInt8])
}

/// Mutual TLS towards the bus. When `trustedCA` is set it is the only trust anchor (the system
/// store is not consulted); nil falls back to the system store (a bus with a public certificate).
/// Peer and host-name verification cannot be turned off.
public struct MutualTLS: Sendable, Equatable {
    public var trustedCA: PEMInput?
    public var clientCertificate: PEMInput?
    public var clientKey: PEMInput?
    public var clientKeyPassword: String?
    /// Extra pin on the server's public key: `sha256//<base64 of the SPKI digest>`, several joined by `;`.
    public var pinnedPublicKey: String?

    public init(trustedCA: PEMInput?, clientCertificate: PEMInput? = nil, clientKey: PEMInput? = nil,
                clientKeyPassword: String? = nil, pinnedPublicKey: String? = nil) {
        self.trustedCA = trustedCA
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
        self.clientKeyPassword = clientKeyPassword
        self.pinnedPublicKey = pinnedPublicKey
    }
}

public struct TransportConfiguration: Sendable, Equatable {
    /// nil for plain HTTP (tests, a bus behind a local TLS terminator).
    public var tls: MutualTLS?
    public var connectTimeout: Duration
    /// The whole exchange, once it has a slot.
    public var totalTimeout: Duration
    public var maxTransfersPerDestination: Int
    public var maxCachedConnections: Int
    public var maxResponseBytes: Int
    public var userAgent: String
    /// false: a fresh connection (and TLS handshake) per request; only for measuring what reuse saves.
    public var reuseConnections: Bool

    public init(tls: MutualTLS? = nil, connectTimeout: Duration = .seconds(10), totalTimeout: Duration = .seconds(60),
                maxTransfersPerDestination: Int = 4, maxCachedConnections: Int = 16,
                maxResponseBytes: Int = 64 << 20, userAgent: String = "lienthong/0.1", reuseConnections: Bool = true) {
        self.tls = tls
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.maxTransfersPerDestination = maxTransfersPerDestination
        self.maxCachedConnections = maxCachedConnections
        self.maxResponseBytes = maxResponseBytes
        self.userAgent = userAgent
        self.reuseConnections = reuseConnections
    }
}
