import COpenSSL

/// Signing and verifying a digest computed elsewhere (what `openssl speed` measures), through
/// contexts prepared once per key and digest.
extension PrivateKey {
    public func sign(digest: [UInt8], algorithm: DigestAlgorithm) throws -> [UInt8] {
        try signingContexts.withContext(digest: algorithm) { context in
            var length = 0
            guard EVP_PKEY_sign(context, nil, &length, digest, digest.count) == 1 else {
                throw CryptoError.fromQueue(.failed, "cannot size the signature")
            }
            var out = [UInt8](repeating: 0, count: length)
            guard EVP_PKEY_sign(context, &out, &length, digest, digest.count) == 1 else {
                throw CryptoError.fromQueue(.failed, "signing the digest failed")
            }
            return Array(out.prefix(length))
        }
    }
}

extension PublicKey {
    /// True when `signature` (DER for ECDSA) signs `digest`; a malformed signature is simply not valid.
    public func verify(signature: [UInt8], digest: [UInt8], algorithm: DigestAlgorithm) throws -> Bool {
        try verificationContexts.withContext(digest: algorithm) { context in
            let result = EVP_PKEY_verify(context, signature, signature.count, digest, digest.count)
            // A bad signature leaves errors on the queue; they are the expected answer, not news.
            if result != 1 { OpenSSLErrorQueue.clear() }
            return result == 1
        }
    }
}
