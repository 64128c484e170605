/// A header field; names compare case-insensitively, order and repeats are kept.
public struct HTTPField: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// One part of a `multipart/form-data` body.
public struct FormPart: Sendable, Equatable {
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

public enum HTTPRequestBody: Sendable, Equatable {
    case none
    case bytes([UInt8])
    case multipart([FormPart])
}

public struct HTTPRequest: Sendable, Equatable {
    public var method: String
    public var url: String
    public var headers: [HTTPField]
    public var body: HTTPRequestBody

    public init(method: String = "POST", url: String, headers: [HTTPField] = [], body: HTTPRequestBody = .none) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    public var headers: [HTTPField]
    public var body: [UInt8]

    public init(status: Int, headers: [HTTPField] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// The seam between the bus client and the wire. `send` returns any HTTP response, whatever its
/// status, and throws `RelayFailure` only when no response came (connect, TLS, timeout, …) or
/// `CancellationError` when the calling task was cancelled.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
}
