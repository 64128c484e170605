import CCurl

/// A failed transfer: libcurl's code, its fixed sentence for that code, and the detail libcurl
/// wrote into the handle's error buffer (which names the OpenSSL reason, the address, …).
public struct CurlError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, in the terms a caller decides on (retry, report, fix the configuration).
    public enum Kind: String, Sendable, Equatable {
        case resolve            // 6: the host name did not resolve
        case connect            // 7: TCP connect refused or unreachable
        case timeout            // 28: connect or total timeout reached
        case tlsHandshake       // 35: the TLS handshake failed
        case tlsUntrusted       // 60: the peer's certificate does not chain to our trust anchor
        case tlsPinMismatch     // 90: the peer's public key is not the pinned one
        case tlsLocalSetup      // 58, 77, 59, 66: our own certificate, key, CA file or ciphers are unusable
        case send               // 55: the connection broke while sending
        case receive            // 56: the connection broke while receiving (also a TLS 1.3 client-certificate refusal)
        case emptyReply         // 52: the server closed without answering
        case responseTooLarge   // the reply exceeded the configured limit
        case cancelled          // the task was cancelled or the client shut down
        case invalidRequest     // the request could not be turned into a transfer (bad URL, option refused)
        case other
    }

    /// The `CURLcode` (0 when the failure did not come from libcurl).
    public let code: Int
    public let kind: Kind
    /// `curl_easy_strerror` for the code.
    public let message: String
    /// The error buffer's text, often more precise than `message`; may be empty.
    public let detail: String

    public init(code: Int, kind: Kind, message: String, detail: String = "") {
        self.code = code
        self.kind = kind
        self.message = message
        self.detail = detail
    }

    init(_ code: CURLcode, detail: String) {
        self.init(code: Int(code.rawValue), kind: Self.kind(of: code),
                  message: String(cString: curl_easy_strerror(code)), detail: detail)
    }

    public var description: String {
        detail.isEmpty ? "curl error \(code): \(message)" : "curl error \(code): \(message) (\(detail))"
    }

    static func kind(of code: CURLcode) -> Kind {
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: .resolve
        case CURLE_COULDNT_CONNECT: .connect
        case CURLE_OPERATION_TIMEDOUT: .timeout
        case CURLE_SSL_CONNECT_ERROR: .tlsHandshake
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_INVALIDCERTSTATUS: .tlsUntrusted
        case CURLE_SSL_PINNEDPUBKEYNOTMATCH: .tlsPinMismatch
        case CURLE_SSL_CERTPROBLEM, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CIPHER, CURLE_SSL_ENGINE_INITFAILED,
             CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_CRL_BADFILE: .tlsLocalSetup
        case CURLE_SEND_ERROR: .send
        case CURLE_RECV_ERROR: .receive
        case CURLE_GOT_NOTHING: .emptyReply
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL, CURLE_BAD_FUNCTION_ARGUMENT,
             CURLE_UNKNOWN_OPTION, CURLE_NOT_BUILT_IN: .invalidRequest
        default: .other
        }
    }

    static let cancelled = CurlError(code: 0, kind: .cancelled, message: "the transfer was cancelled")
    static let shutDown = CurlError(code: 0, kind: .cancelled, message: "the curl client was shut down")
}
