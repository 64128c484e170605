import COpenSSL

/// Signing and verifying a digest computed elsewhere: what `openssl speed` measures, so a
/// benchmark can set the raw key operation beside the whole signing pipeline.
extension PrivateKey {
    public func sign(digest: [UInt8], algorithm: DigestAlgorithm) throws -> [UInt8] {
        guard let context = EVP_PKEY_CTX_new(handle, nil) else { throw CryptoError.fromQueue(.failed, "cannot allocate a signing context") }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_sign_init(context) == 1, EVP_PKEY_CTX_set_signature_md(context, algorithm.md) == 1 else {
            throw CryptoError.fromQueue(.failed, "cannot start signing a digest")
        }
        var length = 0
        guard EVP_PKEY_sign(context, nil, &length, digest, digest.count) == 1 else { throw CryptoError.fromQueue(.failed, "cannot size the signature") }
        var out = [UInt8](repeating: 0, count: length)
        guard EVP_PKEY_sign(context, &out, &length, digest, digest.count) == 1 else { throw CryptoError.fromQueue(.failed, "signing the digest failed") }
        return Array(out.prefix(length))
    }
}

extension PublicKey {
    public func verify(signature: [UInt8], digest: [UInt8], algorithm: DigestAlgorithm) throws -> Bool {
        guard let context = EVP_PKEY_CTX_new(handle, nil) else { throw CryptoError.fromQueue(.failed, "cannot allocate a verification context") }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_verify_init(context) == 1, EVP_PKEY_CTX_set_signature_md(context, algorithm.md) == 1 else {
            throw CryptoError.fromQueue(.failed, "cannot start verifying a digest")
        }
        let result = EVP_PKEY_verify(context, signature, signature.count, digest, digest.count)
        OpenSSLErrorQueue.clear()
        return result == 1
    }
}
