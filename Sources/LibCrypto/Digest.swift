import Foundation
import COpenSSL

/// The message digests XML-DSig and the rest of the gateway use.
public enum DigestAlgorithm: String, Sendable, CaseIterable {
    case sha1 = "SHA1"
    case sha256 = "SHA256"
    case sha384 = "SHA384"
    case sha512 = "SHA512"

    /// Output length in bytes.
    public var length: Int {
        switch self {
        case .sha1: 20
        case .sha256: 32
        case .sha384: 48
        case .sha512: 64
        }
    }

    /// OpenSSL's fetched implementation, looked up once per process (an implicit fetch on each use
    /// costs more than hashing a small message).
    var md: OpaquePointer {
        switch self {
        case .sha1: FetchedDigests.sha1
        case .sha256: FetchedDigests.sha256
        case .sha384: FetchedDigests.sha384
        case .sha512: FetchedDigests.sha512
        }
    }

    /// One-shot digest of `bytes`.
    public func hash<Bytes: ContiguousBytes>(_ bytes: Bytes) -> [UInt8] {
        let digest = Digest(self)
        digest.update(bytes)
        return digest.finish()
    }
}

/// Fetched EVP_MD handles; immutable and thread-safe once fetched, never freed.
enum FetchedDigests {
    nonisolated(unsafe) static let sha1 = fetch("SHA1", fallback: EVP_sha1())
    nonisolated(unsafe) static let sha256 = fetch("SHA256", fallback: EVP_sha256())
    nonisolated(unsafe) static let sha384 = fetch("SHA384", fallback: EVP_sha384())
    nonisolated(unsafe) static let sha512 = fetch("SHA512", fallback: EVP_sha512())

    private static func fetch(_ name: String, fallback: OpaquePointer?) -> OpaquePointer {
        if let fetched = EVP_MD_fetch(nil, name, nil) { return fetched }
        OpenSSLErrorQueue.clear()
        return fallback!
    }
}

/// A streaming digest: feed it with `update`, read it once with `finish`.
public final class Digest: @unchecked Sendable {
    public let algorithm: DigestAlgorithm
    private let context: OpaquePointer
    private var finished = false

    public init(_ algorithm: DigestAlgorithm) {
        self.algorithm = algorithm
        // Allocation and init fail only when memory is exhausted; there is no sensible recovery.
        guard let context = EVP_MD_CTX_new(), EVP_DigestInit_ex(context, algorithm.md, nil) == 1 else {
            fatalError("OpenSSL cannot start a \(algorithm.rawValue) digest: \(OpenSSLErrorQueue.drain() ?? "")")
        }
        self.context = context
    }

    deinit { EVP_MD_CTX_free(context) }

    public func update<Bytes: ContiguousBytes>(_ bytes: Bytes) {
        bytes.withUnsafeBytes { update(raw: $0) }
    }

    public func update(raw buffer: UnsafeRawBufferPointer) {
        precondition(!finished, "Digest.update after finish")
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        EVP_DigestUpdate(context, base, buffer.count)
    }

    public func update(_ string: String) {
        var string = string
        string.withUTF8 { update(raw: UnsafeRawBufferPointer($0)) }
    }

    /// The digest value. A digest is read once.
    public func finish() -> [UInt8] {
        precondition(!finished, "Digest.finish called twice")
        finished = true
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        EVP_DigestFinal_ex(context, &out, &length)
        return Array(out.prefix(Int(length)))
    }
}

/// SHA-256, the digest the rest of the gateway names blobs and files by.
public enum SHA256 {
    public static func hash<Bytes: ContiguousBytes>(_ bytes: Bytes) -> [UInt8] { DigestAlgorithm.sha256.hash(bytes) }
    public static func hash(_ string: String) -> [UInt8] { hash(Array(string.utf8)) }
    /// Lowercase hexadecimal SHA-256, as the VDXP `hash-file` header and the blob store use.
    public static func hex<Bytes: ContiguousBytes>(_ bytes: Bytes) -> String { Hex.encode(hash(bytes)) }
    public static func hex(_ string: String) -> String { Hex.encode(hash(string)) }
}
