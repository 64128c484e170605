import Foundation
import COpenSSL

/// A public key (RSA or EC P-256/P-384) that verifies.
public final class PublicKey: @unchecked Sendable {
    let handle: OpaquePointer
    public let kind: KeyKind
    let verificationContexts: PreparedContexts

    init(taking handle: OpaquePointer) throws {
        do {
            kind = try keyKind(of: handle)
        } catch {
            EVP_PKEY_free(handle)
            throw error
        }
        self.handle = handle
        verificationContexts = PreparedContexts(key: handle, operation: .verify)
    }

    deinit { EVP_PKEY_free(handle) }

    /// From DER SubjectPublicKeyInfo.
    public convenience init(der: [UInt8]) throws {
        let key = withDERPointer(der) { d2i_PUBKEY(nil, $0, $1) }
        guard let key else { throw CryptoError.fromQueue(.malformed, "not a DER public key") }
        try self.init(taking: key)
    }

    /// From PEM (`BEGIN PUBLIC KEY`).
    public convenience init(pem: [UInt8]) throws {
        let bio = try MemoryBIO(copying: pem)
        guard let key = lt_PEM_read_bio_PUBKEY(bio.handle) else { throw CryptoError.fromQueue(.malformed, "no PEM public key found") }
        try self.init(taking: key)
    }

    /// DER SubjectPublicKeyInfo.
    public var der: [UInt8] {
        get throws { try encodeDER { i2d_PUBKEY(handle, $0) } }
    }

    /// True when `signature` is a valid `scheme` signature of `data` under this key. ECDSA
    /// signatures are DER unless `rawECDSA` says they are XML-DSig's r‖s form. A malformed
    /// signature is simply not valid.
    public func verify<Bytes: ContiguousBytes>(_ signature: [UInt8], of data: Bytes, scheme: SignatureScheme,
                                               rawECDSA: Bool = false) throws -> Bool {
        guard scheme.accepts(kind) else { throw CryptoError(.unsupported, "\(scheme) cannot be checked with a \(kind) key") }
        var signature = signature
        if case .ecdsa = scheme, rawECDSA, let fieldLength = kind.ecdsaFieldLength {
            guard signature.count == 2 * fieldLength else { return false }
            signature = try ECDSASignature.der(fromRaw: signature)
        }
        return try verify(signature: signature, digest: scheme.digest.hash(data), algorithm: scheme.digest)
    }
}
