import LibCrypto

/// A private key with its certificate (and the intermediates to send along), ready to sign.
public struct SigningIdentity: Sendable {
    public let key: PrivateKey
    public let certificate: Certificate
    public let chain: [Certificate]

    /// Checks that the key belongs to the certificate, so a signer never emits a signature
    /// its own KeyInfo contradicts.
    public init(key: PrivateKey, certificate: Certificate, chain: [Certificate] = []) throws {
        let keyDER = try key.publicKey.der
        let certificateDER = try certificate.publicKey.der
        guard keyDER == certificateDER else {
            throw SignatureRefusal(.keyMismatch, "the private key does not belong to the certificate \(certificate.subject)")
        }
        self.key = key
        self.certificate = certificate
        self.chain = chain
    }

    /// Reads PEM files' bytes: the key (PKCS#8 or traditional, encrypted with `passphrase` if
    /// need be), the signer's certificate, and optionally a bundle of intermediates.
    public init(keyPEM: [UInt8], passphrase: [UInt8]?, certificatePEM: [UInt8], chainPEM: [UInt8]? = nil) throws {
        let key: PrivateKey
        do {
            key = try PrivateKey(pem: keyPEM, passphrase: passphrase)
        } catch let error as CryptoError {
            throw SignatureRefusal(.keyUnusable, error.message)
        }
        let certificate: Certificate
        let chain: [Certificate]
        do {
            certificate = try Certificate(pem: certificatePEM)
            chain = try chainPEM.map { try Certificate.all(pem: $0) } ?? []
        } catch let error as CryptoError {
            throw SignatureRefusal(.certificateMalformed, error.message)
        }
        try self.init(key: key, certificate: certificate, chain: chain)
    }
}
