import COpenSSL
import Foundation

/// Signing or verification contexts initialised once per key and digest and then reused: in
/// OpenSSL 3 creating and initialising an `EVP_PKEY_CTX` costs a sizeable share of an RSA-2048
/// verification, and `openssl speed` reuses its contexts the same way. A context serves one
/// operation at a time; the pool hands each caller its own and keeps a few idle ones.
final class PreparedContexts: @unchecked Sendable {
    enum Operation { case sign, verify }

    private let key: OpaquePointer
    private let operation: Operation
    private let lock = NSLock()
    private var idle: [DigestAlgorithm: [OpaquePointer]] = [:]
    private static let maxIdlePerDigest = 8

    /// `key` must outlive the pool (the owning key object holds both).
    init(key: OpaquePointer, operation: Operation) {
        self.key = key
        self.operation = operation
    }

    deinit {
        for contexts in idle.values { contexts.forEach { EVP_PKEY_CTX_free($0) } }
    }

    func withContext<R>(digest: DigestAlgorithm, _ body: (OpaquePointer) throws -> R) throws -> R {
        let reused = lock.withLock { idle[digest]?.popLast() }
        let context = try reused ?? makeContext(digest)
        defer {
            let kept = lock.withLock { () -> Bool in
                guard idle[digest, default: []].count < Self.maxIdlePerDigest else { return false }
                idle[digest, default: []].append(context)
                return true
            }
            if !kept { EVP_PKEY_CTX_free(context) }
        }
        return try body(context)
    }

    private func makeContext(_ digest: DigestAlgorithm) throws -> OpaquePointer {
        guard let context = EVP_PKEY_CTX_new(key, nil) else { throw CryptoError.fromQueue(.failed, "cannot allocate a key context") }
        let initialised = operation == .sign ? EVP_PKEY_sign_init(context) : EVP_PKEY_verify_init(context)
        guard initialised == 1, EVP_PKEY_CTX_set_signature_md(context, digest.md) == 1 else {
            EVP_PKEY_CTX_free(context)
            throw CryptoError.fromQueue(.failed, "cannot prepare a \(digest.rawValue) \(operation) context")
        }
        return context
    }
}
