import COpenSSL

/// A failure inside LibCrypto: what was being done, and what OpenSSL's error queue said about it.
///
/// LibCrypto sits below the reason-coded domain errors; callers map `kind` to their own codes.
public struct CryptoError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Bytes that are not the PEM/DER/base64 object expected.
        case malformed
        /// An encrypted key and no passphrase, or the wrong one.
        case passphrase
        /// A key type, curve or algorithm this module does not handle.
        case unsupported
        /// OpenSSL refused an operation that should have worked.
        case failed
    }

    public let kind: Kind
    public let message: String
    /// The lines OpenSSL's error queue held right after the failing call, if any.
    public let openSSLDetail: String?

    public init(_ kind: Kind, _ message: String, openSSLDetail: String? = nil) {
        self.kind = kind
        self.message = message
        self.openSSLDetail = openSSLDetail
    }

    /// Builds the error and drains the calling thread's OpenSSL error queue into it.
    /// Call right after the failing OpenSSL call: the queue is per thread.
    static func fromQueue(_ kind: Kind, _ message: String) -> CryptoError {
        CryptoError(kind, message, openSSLDetail: OpenSSLErrorQueue.drain())
    }

    public var description: String {
        openSSLDetail.map { "\(message) (\($0))" } ?? message
    }
}

enum OpenSSLErrorQueue {
    /// Reads and clears this thread's error queue (bounded, the queue holds at most 16 entries).
    static func drain() -> String? {
        var lines: [String] = []
        for _ in 0..<16 {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            lines.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        ERR_clear_error()
        return lines.isEmpty ? nil : lines.joined(separator: "; ")
    }

    /// Forgets an expected failure so it cannot be blamed on a later call.
    static func clear() { ERR_clear_error() }
}
