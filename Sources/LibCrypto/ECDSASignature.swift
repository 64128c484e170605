import COpenSSL

/// Converts ECDSA signatures between OpenSSL's DER `SEQUENCE { r, s }` and XML-DSig's fixed-width r‖s.
public enum ECDSASignature {
    public static func raw(fromDER der: [UInt8], fieldLength: Int) throws -> [UInt8] {
        guard let signature = withDERPointer(der, { d2i_ECDSA_SIG(nil, $0, $1) }) else {
            throw CryptoError.fromQueue(.malformed, "not a DER ECDSA signature")
        }
        defer { ECDSA_SIG_free(signature) }
        var r: OpaquePointer?
        var s: OpaquePointer?
        ECDSA_SIG_get0(signature, &r, &s)
        var out = [UInt8](repeating: 0, count: 2 * fieldLength)
        let ok = out.withUnsafeMutableBufferPointer { buffer in
            BN_bn2binpad(r, buffer.baseAddress, Int32(fieldLength)) == fieldLength
                && BN_bn2binpad(s, buffer.baseAddress! + fieldLength, Int32(fieldLength)) == fieldLength
        }
        guard ok else { throw CryptoError.fromQueue(.malformed, "ECDSA signature values wider than the curve") }
        return out
    }

    public static func der(fromRaw raw: [UInt8]) throws -> [UInt8] {
        guard raw.count % 2 == 0, !raw.isEmpty else { throw CryptoError(.malformed, "a raw ECDSA signature has an odd length") }
        let half = raw.count / 2
        guard let signature = ECDSA_SIG_new() else { throw CryptoError.fromQueue(.failed, "cannot allocate an ECDSA signature") }
        defer { ECDSA_SIG_free(signature) }
        let r = raw.withUnsafeBufferPointer { BN_bin2bn($0.baseAddress, Int32(half), nil) }
        let s = raw.withUnsafeBufferPointer { BN_bin2bn($0.baseAddress! + half, Int32(half), nil) }
        guard let r, let s, ECDSA_SIG_set0(signature, r, s) == 1 else {
            BN_free(r); BN_free(s)
            throw CryptoError.fromQueue(.failed, "cannot build an ECDSA signature")
        }
        return try encodeDER { i2d_ECDSA_SIG(signature, $0) }
    }
}
