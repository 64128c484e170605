import LibCurl

/// `HTTPTransport` over libcurl: mutual TLS, kept-alive connections, a bounded number of
/// transfers per destination, all on libcurl's own thread (see `CurlClient`).
public final class CurlHTTPTransport: HTTPTransport {
    public let configuration: TransportConfiguration
    private let client: CurlClient
    private let tls: CurlTLSOptions

    public init(configuration: TransportConfiguration) throws {
        self.configuration = configuration
        do {
            client = try CurlClient(options: CurlClientOptions(
                maxTransfersPerDestination: configuration.maxTransfersPerDestination,
                maxCachedConnections: configuration.maxCachedConnections))
        } catch {
            throw RelayFailure(curl: error)
        }
        tls = configuration.tls.map(CurlTLSOptions.init) ?? CurlTLSOptions()
    }

    deinit { client.shutdown() }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try Self.checkHeaders(request.headers)
        var headers = request.headers.map { (name: $0.name, value: $0.value) }
        if !request.headers.contains(where: { $0.name.lowercased() == "user-agent" }) {
            headers.append((name: "User-Agent", value: configuration.userAgent))
        }
        let curlRequest = CurlRequest(
            method: request.method, url: request.url, headers: headers, body: CurlRequestBody(request.body),
            tls: tls, connectTimeout: configuration.connectTimeout, totalTimeout: configuration.totalTimeout,
            maxResponseBytes: configuration.maxResponseBytes, reuseConnection: configuration.reuseConnections)
        do {
            let response = try await client.perform(curlRequest)
            return HTTPResponse(status: response.status, headers: response.headers.map { HTTPField($0.name, $0.value) },
                                body: response.body)
        } catch let error as CurlError {
            if error.kind == .cancelled, Task.isCancelled { throw CancellationError() }
            throw RelayFailure(curl: error)
        }
    }

    /// Whether the bus answers over this transport's TLS setup: the HTTP status of a GET on `url`
    /// (any status means connect, handshake and trust all worked), or why not. For `doctor`.
    public func probe(_ url: String) async -> Result<Int, RelayFailure> {
        do {
            return .success(try await send(HTTPRequest(method: "GET", url: url)).status)
        } catch let failure as RelayFailure {
            return .failure(failure)
        } catch {
            return .failure(RelayFailure(RelayReason.cancelled, "the probe was cancelled", disposition: .retryable(after: nil)))
        }
    }

    /// Transfers running and waiting per destination, for metrics.
    public func load() -> [String: (running: Int, waiting: Int)] { client.load() }

    /// A header name or value with CR, LF or NUL would let a value smuggle extra headers.
    static func checkHeaders(_ headers: [HTTPField]) throws {
        for field in headers {
            let forbidden = field.name.utf8.contains { $0 == 13 || $0 == 10 || $0 == 0 || $0 == 58 || $0 == 32 }
                || field.value.utf8.contains { $0 == 13 || $0 == 10 || $0 == 0 }
            if forbidden || field.name.isEmpty {
                throw RelayFailure(RelayReason.invalidRequest,
                                   "header \(String(reflecting: field.name)) has a character not allowed in an HTTP header",
                                   disposition: .permanent)
            }
        }
    }
}

extension CurlTLSOptions {
    init(_ tls: MutualTLS) {
        self.init(trustedCAs: tls.trustedCA.map(CurlPEM), clientCertificate: tls.clientCertificate.map(CurlPEM),
                  clientKey: tls.clientKey.map(CurlPEM), clientKeyPassword: tls.clientKeyPassword,
                  pinnedPublicKey: tls.pinnedPublicKey)
    }
}

private func CurlPEM(_ input: PEMInput) -> PEMSource {
    switch input {
    case .file(let path): .file(path)
    case .pem(let bytes): .pem(bytes)
    }
}

extension CurlRequestBody {
    init(_ body: HTTPRequestBody) {
        switch body {
        case .none: self = .none
        case .bytes(let bytes): self = .bytes(bytes)
        case .multipart(let parts):
            self = .multipart(parts.map {
                MultipartPart(name: $0.name, data: $0.data, fileName: $0.fileName, contentType: $0.contentType)
            })
        }
    }
}
