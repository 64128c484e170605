import COpenSSL
import Foundation

/// Issues a CRL (version 2) listing revoked certificates, for the development PKI and tests.
public struct CRLBuilder: Sendable {
    public var lastUpdate: Date
    public var nextUpdate: Date
    public var revoked: [(serialHex: String, date: Date)] = []
    public var digest: DigestAlgorithm = .sha256

    public init(lastUpdate: Date = Date().addingTimeInterval(-3600), validFor: TimeInterval = 30 * 86400) {
        self.lastUpdate = lastUpdate
        self.nextUpdate = lastUpdate.addingTimeInterval(validFor)
    }

    public mutating func revoke(_ certificate: Certificate, at date: Date = Date().addingTimeInterval(-60)) {
        revoked.append((certificate.serialHex, date))
    }

    public func issue(issuer: Certificate, issuerKey: PrivateKey) throws -> CertificateRevocationList {
        guard let crl = X509_CRL_new() else { throw CryptoError.fromQueue(.failed, "cannot allocate a CRL") }
        var owned: OpaquePointer? = crl
        defer { if let owned { X509_CRL_free(owned) } }
        guard X509_CRL_set_version(crl, 1) == 1,
              X509_CRL_set_issuer_name(crl, X509_get_subject_name(issuer.handle)) == 1,
              try withASN1Time(lastUpdate, { X509_CRL_set1_lastUpdate(crl, $0) }) == 1,
              try withASN1Time(nextUpdate, { X509_CRL_set1_nextUpdate(crl, $0) }) == 1 else {
            throw CryptoError.fromQueue(.failed, "cannot set the CRL's issuer or dates")
        }
        for entry in revoked {
            guard let item = X509_REVOKED_new() else { throw CryptoError.fromQueue(.failed, "cannot allocate a CRL entry") }
            var bn: OpaquePointer?
            guard BN_hex2bn(&bn, entry.serialHex) > 0, let bn, let serial = BN_to_ASN1_INTEGER(bn, nil) else {
                BN_free(bn)
                X509_REVOKED_free(item)
                throw CryptoError.fromQueue(.malformed, "bad serial \(entry.serialHex)")
            }
            BN_free(bn)
            defer { ASN1_INTEGER_free(serial) }
            guard X509_REVOKED_set_serialNumber(item, serial) == 1,
                  try withASN1Time(entry.date, { X509_REVOKED_set_revocationDate(item, $0) }) == 1,
                  X509_CRL_add0_revoked(crl, item) == 1 else {
                X509_REVOKED_free(item)
                throw CryptoError.fromQueue(.failed, "cannot add a CRL entry")
            }
        }
        X509_CRL_sort(crl)
        guard X509_CRL_sign(crl, issuerKey.handle, digest.md) > 0 else { throw CryptoError.fromQueue(.failed, "cannot sign the CRL") }
        owned = nil
        return try CertificateRevocationList(taking: crl)
    }
}
