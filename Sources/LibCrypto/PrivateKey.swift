import Foundation
import COpenSSL

/// A private key (RSA or EC P-256/P-384) that signs.
public final class PrivateKey: @unchecked Sendable {
    let handle: OpaquePointer
    public let kind: KeyKind
    let signingContexts: PreparedContexts

    init(taking handle: OpaquePointer) throws {
        do {
            kind = try keyKind(of: handle)
        } catch {
            EVP_PKEY_free(handle)
            throw error
        }
        self.handle = handle
        signingContexts = PreparedContexts(key: handle, operation: .sign)
    }

    deinit { EVP_PKEY_free(handle) }

    /// Reads a PEM private key: PKCS#8 (`BEGIN PRIVATE KEY`), encrypted PKCS#8
    /// (`BEGIN ENCRYPTED PRIVATE KEY`) or traditional (`BEGIN RSA/EC PRIVATE KEY`, possibly with
    /// `Proc-Type: 4,ENCRYPTED`). An encrypted key needs `passphrase`; it never prompts.
    public convenience init(pem: [UInt8], passphrase: [UInt8]? = nil) throws {
        let bio = try MemoryBIO(copying: pem)
        var asked: Int32 = 0
        let key: OpaquePointer? = (passphrase ?? []).withUnsafeBufferPointer { secret in
            secret.withMemoryRebound(to: CChar.self) { chars in
                var state = lt_passphrase(bytes: passphrase == nil ? nil : chars.baseAddress,
                                          length: Int32(chars.count), asked: 0)
                defer { asked = state.asked }
                return lt_PEM_read_bio_PrivateKey(bio.handle, &state)
            }
        }
        guard let key else {
            if asked != 0 {
                throw CryptoError.fromQueue(.passphrase, passphrase == nil
                    ? "the private key is encrypted: give its passphrase"
                    : "the passphrase does not open this private key")
            }
            throw CryptoError.fromQueue(.malformed, "no PEM private key found")
        }
        try self.init(taking: key)
    }

    public convenience init(pem: String, passphrase: String? = nil) throws {
        try self.init(pem: Array(pem.utf8), passphrase: passphrase.map { Array($0.utf8) })
    }

    /// A fresh RSA key.
    public static func generateRSA(bits: Int = 2048) throws -> PrivateKey {
        try generate(type: EVP_PKEY_RSA) { EVP_PKEY_CTX_set_rsa_keygen_bits($0, Int32(bits)) }
    }

    /// A fresh EC key on P-256 or P-384.
    public static func generateEC(_ curve: KeyKind = .ecP256) throws -> PrivateKey {
        let nid = curve == .ecP384 ? NID_secp384r1 : NID_X9_62_prime256v1
        return try generate(type: EVP_PKEY_EC) { EVP_PKEY_CTX_set_ec_paramgen_curve_nid($0, nid) }
    }

    private static func generate(type: Int32, configure: (OpaquePointer) -> Int32) throws -> PrivateKey {
        guard let context = EVP_PKEY_CTX_new_id(type, nil) else { throw CryptoError.fromQueue(.failed, "cannot start key generation") }
        defer { EVP_PKEY_CTX_free(context) }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen_init(context) == 1, configure(context) == 1,
              EVP_PKEY_keygen(context, &key) == 1, let key else {
            throw CryptoError.fromQueue(.failed, "key generation failed")
        }
        return try PrivateKey(taking: key)
    }

    /// PKCS#8 PEM; encrypted with AES-256-CBC under `passphrase` when one is given.
    public func pkcs8PEM(passphrase: [UInt8]? = nil) throws -> String {
        let bio = try MemoryBIO()
        let ok = (passphrase ?? []).withUnsafeBufferPointer { secret in
            secret.withMemoryRebound(to: CChar.self) {
                lt_PEM_write_bio_PKCS8PrivateKey(bio.handle, handle, passphrase == nil ? nil : $0.baseAddress, Int32($0.count))
            }
        }
        guard ok == 1 else { throw CryptoError.fromQueue(.failed, "cannot write the private key") }
        return bio.string
    }

    /// The matching public key.
    public var publicKey: PublicKey {
        get throws {
            let der = try encodeDER { i2d_PUBKEY(handle, $0) }
            return try PublicKey(der: der)
        }
    }

    /// Signs `data` (the digest is computed here). ECDSA signatures come back as DER unless
    /// `rawECDSA` asks for XML-DSig's r‖s form.
    public func sign<Bytes: ContiguousBytes>(_ data: Bytes, scheme: SignatureScheme, rawECDSA: Bool = false) throws -> [UInt8] {
        guard scheme.accepts(kind) else { throw CryptoError(.unsupported, "\(scheme) cannot be made with a \(kind) key") }
        let signature = try sign(digest: scheme.digest.hash(data), algorithm: scheme.digest)
        if case .ecdsa = scheme, rawECDSA, let fieldLength = kind.ecdsaFieldLength {
            return try ECDSASignature.raw(fromDER: signature, fieldLength: fieldLength)
        }
        return signature
    }
}
