/// One part of a `multipart/form-data` body.
public struct MultipartPart: Sendable, Equatable {
    public var name: String
    public var data: [UInt8]
    public var fileName: String?
    public var contentType: String?

    public init(name: String, data: [UInt8], fileName: String? = nil, contentType: String? = nil) {
        self.name = name
        self.data = data
        self.fileName = fileName
        self.contentType = contentType
    }
}

/// What a request carries after its headers.
public enum CurlRequestBody: Sendable, Equatable {
    case none
    case bytes([UInt8])
    case multipart([MultipartPart])
}

/// PEM material, either a file libcurl reads when it connects or bytes handed over in memory.
public enum PEMSource: Sendable, Equatable {
    case file(String)
    case pem([UInt8])
}

/// TLS settings for one destination. Peer and host verification are always on: there is no
/// switch to turn them off, so no configuration can silently accept any server.
public struct CurlTLSOptions: Sendable, Equatable {
    /// The only trust anchors for the server's chain (the system store is not consulted when set).
    public var trustedCAs: PEMSource?
    public var clientCertificate: PEMSource?
    public var clientKey: PEMSource?
    public var clientKeyPassword: String?
    /// CURLOPT_PINNEDPUBLICKEY: `sha256//<base64>` (several joined by `;`) or a PEM/DER file path.
    public var pinnedPublicKey: String?

    public init(trustedCAs: PEMSource? = nil, clientCertificate: PEMSource? = nil, clientKey: PEMSource? = nil,
                clientKeyPassword: String? = nil, pinnedPublicKey: String? = nil) {
        self.trustedCAs = trustedCAs
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
        self.clientKeyPassword = clientKeyPassword
        self.pinnedPublicKey = pinnedPublicKey
    }
}

/// An HTTP request for `CurlClient`. Redirects are never followed and only http/https are allowed.
public struct CurlRequest: Sendable, Equatable {
    public var method: String
    public var url: String
    /// Sent in this order; a name may repeat.
    public var headers: [(name: String, value: String)]
    public var body: CurlRequestBody
    public var tls: CurlTLSOptions
    /// Time allowed for TCP connect plus TLS handshake.
    public var connectTimeout: Duration
    /// Time allowed for the whole transfer once it has a slot (waiting for a slot is not counted).
    public var totalTimeout: Duration
    /// A reply body larger than this aborts the transfer (`CurlError.Kind.responseTooLarge`).
    public var maxResponseBytes: Int
    /// false: open a fresh connection and close it afterwards (for measuring what reuse saves).
    public var reuseConnection: Bool

    public init(method: String = "GET", url: String, headers: [(name: String, value: String)] = [],
                body: CurlRequestBody = .none, tls: CurlTLSOptions = .init(),
                connectTimeout: Duration = .seconds(10), totalTimeout: Duration = .seconds(60),
                maxResponseBytes: Int = 64 << 20, reuseConnection: Bool = true) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.tls = tls
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.maxResponseBytes = maxResponseBytes
        self.reuseConnection = reuseConnection
    }

    public static func == (lhs: CurlRequest, rhs: CurlRequest) -> Bool {
        lhs.method == rhs.method && lhs.url == rhs.url && lhs.body == rhs.body && lhs.tls == rhs.tls
            && lhs.headers.map { [$0.name, $0.value] } == rhs.headers.map { [$0.name, $0.value] }
            && lhs.connectTimeout == rhs.connectTimeout && lhs.totalTimeout == rhs.totalTimeout
            && lhs.maxResponseBytes == rhs.maxResponseBytes && lhs.reuseConnection == rhs.reuseConnection
    }
}

/// A completed HTTP exchange (any status code: classifying it is the caller's business).
public struct CurlResponse: Sendable {
    public var status: Int
    /// The final response's headers in arrival order (interim `100 Continue` headers dropped).
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// How many new connections this transfer opened: 0 means it reused a kept-alive one.
    public var newConnections: Int
    /// The local TCP port of the connection used (identifies the connection).
    public var localPort: Int
    public var totalTime: Duration
    /// When the engine thread saw the transfer end: the moment the answer was in, however long
    /// the caller then waits to be scheduled.
    public var completedAt: ContinuousClock.Instant

    /// The first header with this name, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveEquals(name) }?.value
    }
}

extension String {
    func caseInsensitiveEquals(_ other: String) -> Bool {
        utf8.count == other.utf8.count && lowercased() == other.lowercased()
    }
}
