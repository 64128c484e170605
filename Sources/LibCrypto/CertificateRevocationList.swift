import COpenSSL
import Foundation

/// An X.509 CRL.
public final class CertificateRevocationList: @unchecked Sendable {
    let handle: OpaquePointer
    public let der: [UInt8]

    init(taking handle: OpaquePointer) throws {
        self.handle = handle
        do {
            der = try encodeDER { i2d_X509_CRL(handle, $0) }
        } catch {
            X509_CRL_free(handle)
            throw error
        }
    }

    deinit { X509_CRL_free(handle) }

    public convenience init(der: [UInt8]) throws {
        guard let crl = withDERPointer(der, { d2i_X509_CRL(nil, $0, $1) }) else {
            throw CryptoError.fromQueue(.malformed, "not a DER certificate revocation list")
        }
        try self.init(taking: crl)
    }

    /// Every CRL in a PEM text (at most 1,000); DER is accepted too.
    public static func all(pemOrDER bytes: [UInt8]) throws -> [CertificateRevocationList] {
        if bytes.first == 0x30 { return [try CertificateRevocationList(der: bytes)] }
        let bio = try MemoryBIO(copying: bytes)
        var lists: [CertificateRevocationList] = []
        while lists.count < 1000, let crl = lt_PEM_read_bio_X509_CRL(bio.handle) {
            lists.append(try CertificateRevocationList(taking: crl))
        }
        OpenSSLErrorQueue.clear()
        guard !lists.isEmpty else { throw CryptoError(.malformed, "no PEM certificate revocation list found") }
        return lists
    }

    public var pem: String { PEM.encode(der, label: "X509 CRL") }
    public var issuer: DistinguishedName { DistinguishedName(X509_CRL_get_issuer(handle)) }
    public var lastUpdate: Date? { ASN1Time.date(X509_CRL_get0_lastUpdate(handle)) }
    public var nextUpdate: Date? { ASN1Time.date(X509_CRL_get0_nextUpdate(handle)) }
    public var fingerprint: [UInt8] { SHA256.hash(der) }

    /// The revoked serial numbers in uppercase hexadecimal.
    public var revokedSerials: [String] {
        guard let revoked = X509_CRL_get_REVOKED(handle) else { return [] }
        var serials: [String] = []
        for index in 0..<min(lt_sk_X509_REVOKED_num(revoked), 1_000_000) {
            guard let entry = lt_sk_X509_REVOKED_value(revoked, index),
                  let bn = ASN1_INTEGER_to_BN(X509_REVOKED_get0_serialNumber(entry), nil) else { continue }
            defer { BN_free(bn) }
            if let hex = BN_bn2hex(bn) {
                serials.append(String(cString: hex))
                lt_OPENSSL_free(hex)
            }
        }
        return serials
    }

    /// True when `issuer`'s key signed this list.
    public func isSigned(by issuer: Certificate) -> Bool {
        guard let key = X509_get0_pubkey(issuer.handle) else { OpenSSLErrorQueue.clear(); return false }
        let ok = X509_CRL_verify(handle, key) == 1
        OpenSSLErrorQueue.clear()
        return ok
    }
}
