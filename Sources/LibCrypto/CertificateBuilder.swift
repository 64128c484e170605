import COpenSSL
import Foundation

/// Issues X.509 v3 certificates, for the development PKI and for tests.
public struct CertificateBuilder: Sendable {
    /// Subject attributes in order, by OpenSSL short name: ("C", "VN"), ("O", …), ("OU", …), ("CN", …), ("serialNumber", …).
    public var subject: [(name: String, value: String)]
    public var notBefore: Date
    public var notAfter: Date
    /// nil: a random 128-bit serial.
    public var serial: [UInt8]?
    public var isCertificateAuthority = false
    public var keyUsage: [String] = ["digitalSignature", "nonRepudiation"]
    /// e.g. "serverAuth", "clientAuth".
    public var extendedKeyUsage: [String] = []
    /// In OpenSSL's config syntax: "URI:urn:organid:…", "DNS:localhost", "IP:127.0.0.1".
    public var subjectAlternativeNames: [String] = []
    public var digest: DigestAlgorithm = .sha256

    public init(subject: [(name: String, value: String)], notBefore: Date = Date().addingTimeInterval(-3600),
                validFor: TimeInterval = 365 * 86400) {
        self.subject = subject
        self.notBefore = notBefore
        self.notAfter = notBefore.addingTimeInterval(validFor)
    }

    /// Issues the certificate for `key` signed by `issuerKey`; self-signed when `issuer` is nil.
    public func issue(for key: PublicKey, issuer: Certificate?, issuerKey: PrivateKey) throws -> Certificate {
        guard let x509 = X509_new() else { throw CryptoError.fromQueue(.failed, "cannot allocate a certificate") }
        var owned: OpaquePointer? = x509
        defer { if let owned { X509_free(owned) } }
        guard X509_set_version(x509, 2) == 1 else { throw CryptoError.fromQueue(.failed, "cannot set the version") }
        try setSerial(x509)
        guard try withASN1Time(notBefore, { X509_set1_notBefore(x509, $0) }) == 1,
              try withASN1Time(notAfter, { X509_set1_notAfter(x509, $0) }) == 1 else {
            throw CryptoError.fromQueue(.failed, "cannot set the validity")
        }
        let name = try X509NameBuilder.make(subject)
        defer { X509_NAME_free(name) }
        guard X509_set_subject_name(x509, name) == 1,
              X509_set_issuer_name(x509, issuer.map { X509_get_subject_name($0.handle) } ?? name) == 1,
              X509_set_pubkey(x509, key.handle) == 1 else {
            throw CryptoError.fromQueue(.failed, "cannot set the names or key")
        }
        var context = X509V3_CTX()
        X509V3_set_ctx(&context, issuer?.handle ?? x509, x509, nil, nil, 0)
        var extensions: [(Int32, String)] = [
            (NID_basic_constraints, isCertificateAuthority ? "critical,CA:TRUE" : "critical,CA:FALSE"),
            (NID_subject_key_identifier, "hash"),
            (NID_authority_key_identifier, "keyid:always"),
        ]
        if !keyUsage.isEmpty { extensions.append((NID_key_usage, "critical," + keyUsage.joined(separator: ","))) }
        if !extendedKeyUsage.isEmpty { extensions.append((NID_ext_key_usage, extendedKeyUsage.joined(separator: ","))) }
        if !subjectAlternativeNames.isEmpty { extensions.append((NID_subject_alt_name, subjectAlternativeNames.joined(separator: ","))) }
        for (nid, value) in extensions {
            guard let ext = X509V3_EXT_conf_nid(nil, &context, nid, value) else {
                throw CryptoError.fromQueue(.malformed, "bad extension value \(value)")
            }
            defer { X509_EXTENSION_free(ext) }
            guard X509_add_ext(x509, ext, -1) == 1 else { throw CryptoError.fromQueue(.failed, "cannot add extension \(value)") }
        }
        guard X509_sign(x509, issuerKey.handle, digest.md) > 0 else { throw CryptoError.fromQueue(.failed, "cannot sign the certificate") }
        owned = nil
        return try Certificate(taking: x509)
    }

    private func setSerial(_ x509: OpaquePointer) throws {
        var bytes = serial ?? [UInt8](repeating: 0, count: 16)
        if serial == nil {
            guard RAND_bytes(&bytes, Int32(bytes.count)) == 1 else { throw CryptoError.fromQueue(.failed, "no randomness for the serial") }
            bytes[0] &= 0x7f
            bytes[0] |= 0x01
        }
        guard let bn = BN_bin2bn(bytes, Int32(bytes.count), nil) else { throw CryptoError.fromQueue(.failed, "cannot set the serial") }
        defer { BN_free(bn) }
        guard let integer = X509_get_serialNumber(x509), BN_to_ASN1_INTEGER(bn, integer) != nil else {
            throw CryptoError.fromQueue(.failed, "cannot set the serial")
        }
    }
}

/// Runs `body` with a temporary ASN1_TIME for `date`; OpenSSL's set1 setters copy it.
func withASN1Time<R>(_ date: Date, _ body: (UnsafeMutablePointer<ASN1_TIME>) throws -> R) throws -> R {
    guard let time = ASN1_TIME_set(nil, ASN1Time.seconds(date)) else { throw CryptoError.fromQueue(.failed, "cannot encode a time") }
    defer { ASN1_TIME_free(time) }
    return try body(time)
}

enum X509NameBuilder {
    static func make(_ attributes: [(name: String, value: String)]) throws -> OpaquePointer {
        guard let name = X509_NAME_new() else { throw CryptoError.fromQueue(.failed, "cannot allocate a name") }
        for (field, value) in attributes {
            let bytes = Array(value.utf8)
            let ok = X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, bytes, Int32(bytes.count), -1, 0)
            guard ok == 1 else {
                X509_NAME_free(name)
                throw CryptoError.fromQueue(.malformed, "cannot put \(field)=\(value) in a name")
            }
        }
        return name
    }
}
