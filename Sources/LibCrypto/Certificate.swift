import COpenSSL
import Foundation

/// An X.509 certificate, parsed once; its fields are read on demand.
public final class Certificate: @unchecked Sendable, CustomStringConvertible {
    let handle: OpaquePointer
    /// The DER bytes, which the fingerprint, KeyInfo and equality use.
    public let der: [UInt8]

    /// Read eagerly: a certificate is shared between threads once cached, so nothing here is lazy.
    public let subject: DistinguishedName
    public let issuer: DistinguishedName
    /// The serial number in uppercase hexadecimal, as OpenSSL and most tools print it.
    public let serialHex: String
    /// SHA-256 over the DER: the certificate's identity in caches, mappings and logs.
    public let fingerprint: [UInt8]

    init(taking handle: OpaquePointer) throws {
        self.handle = handle
        do {
            der = try encodeDER { i2d_X509(handle, $0) }
        } catch {
            X509_free(handle)
            throw error
        }
        subject = DistinguishedName(X509_get_subject_name(handle))
        issuer = DistinguishedName(X509_get_issuer_name(handle))
        serialHex = Certificate.serialHex(of: handle)
        fingerprint = SHA256.hash(der)
    }

    deinit { X509_free(handle) }

    public convenience init(der: [UInt8]) throws {
        guard let x509 = withDERPointer(der, { d2i_X509(nil, $0, $1) }) else {
            throw CryptoError.fromQueue(.malformed, "not a DER X.509 certificate")
        }
        try self.init(taking: x509)
    }

    /// The first certificate of a PEM text.
    public convenience init(pem: [UInt8]) throws {
        guard let first = try Certificate.all(pem: pem).first else { throw CryptoError(.malformed, "no PEM certificate found") }
        try self.init(der: first.der)
    }

    /// Every certificate in a PEM bundle, in order (at most 1,000).
    public static func all(pem: [UInt8]) throws -> [Certificate] {
        let bio = try MemoryBIO(copying: pem)
        var certificates: [Certificate] = []
        while certificates.count < 1000, let x509 = lt_PEM_read_bio_X509(bio.handle) {
            certificates.append(try Certificate(taking: x509))
        }
        // Reading stops with "no start line" at the end of the bundle: that is the normal end.
        OpenSSLErrorQueue.clear()
        guard !certificates.isEmpty else { throw CryptoError(.malformed, "no PEM certificate found") }
        return certificates
    }

    public var pem: String { PEM.encode(der, label: "CERTIFICATE") }

    private static func serialHex(of handle: OpaquePointer) -> String {
        guard let bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(handle), nil) else { return "" }
        defer { BN_free(bn) }
        guard let hex = BN_bn2hex(bn) else { return "" }
        defer { lt_OPENSSL_free(hex) }
        return String(cString: hex)
    }

    public var notBefore: Date { ASN1Time.date(X509_get0_notBefore(handle)) ?? .distantFuture }
    public var notAfter: Date { ASN1Time.date(X509_get0_notAfter(handle)) ?? .distantPast }

    public var fingerprintHex: String { Hex.encode(fingerprint) }

    /// The key usage bits, or nil when the certificate has no keyUsage extension.
    public var keyUsage: KeyUsage? {
        let bits = X509_get_key_usage(handle)
        OpenSSLErrorQueue.clear()
        return bits == UInt32.max ? nil : KeyUsage(rawValue: bits)
    }

    public var isCertificateAuthority: Bool { X509_check_ca(handle) != 0 }

    public var isSelfIssued: Bool { X509_check_issued(handle, handle) == X509_V_OK }

    /// The URIs among the subjectAltName entries (e.g. `urn:organid:000.00.00.G22`).
    public var subjectAlternativeURIs: [String] {
        guard let names = lt_X509_subject_alt_names(handle) else { OpenSSLErrorQueue.clear(); return [] }
        defer { lt_GENERAL_NAMES_free(names) }
        var uris: [String] = []
        for index in 0..<min(lt_sk_GENERAL_NAME_num(names), 256) {
            if let uri = lt_GENERAL_NAME_uri(lt_sk_GENERAL_NAME_value(names, index)), let text = utf8String(of: uri) {
                uris.append(text)
            }
        }
        return uris
    }

    public var publicKey: PublicKey {
        get throws {
            guard let key = X509_get_pubkey(handle) else { throw CryptoError.fromQueue(.malformed, "the certificate's public key cannot be read") }
            return try PublicKey(taking: key)
        }
    }

    /// True when `issuer`'s key signed this certificate.
    public func isSigned(by issuer: Certificate) -> Bool {
        guard let key = X509_get0_pubkey(issuer.handle) else { OpenSSLErrorQueue.clear(); return false }
        let ok = X509_verify(handle, key) == 1
        OpenSSLErrorQueue.clear()
        return ok
    }

    public var description: String { "\(subject) (serial \(serialHex), issuer \(issuer))" }
}

extension Certificate: Equatable, Hashable {
    public static func == (a: Certificate, b: Certificate) -> Bool { a.der == b.der }
    public func hash(into hasher: inout Hasher) { hasher.combine(der) }
}

/// X.509 keyUsage bits as OpenSSL reports them.
public struct KeyUsage: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let digitalSignature = KeyUsage(rawValue: UInt32(KU_DIGITAL_SIGNATURE))
    public static let nonRepudiation = KeyUsage(rawValue: UInt32(KU_NON_REPUDIATION))
    public static let keyEncipherment = KeyUsage(rawValue: UInt32(KU_KEY_ENCIPHERMENT))
    public static let keyAgreement = KeyUsage(rawValue: UInt32(KU_KEY_AGREEMENT))
    public static let keyCertSign = KeyUsage(rawValue: UInt32(KU_KEY_CERT_SIGN))
    public static let cRLSign = KeyUsage(rawValue: UInt32(KU_CRL_SIGN))
}
