import COpenSSL

/// HMAC-SHA256 through OpenSSL's one-shot `HMAC()` (the VDXP bus's `XroadVnpt-hash-header`).
public enum HMACSHA256 {
    public static func mac(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        // HMAC() reads a NULL key as "no key"; an empty key needs a valid pointer and length 0.
        let keyStorage = key.isEmpty ? [0] : key
        let result = keyStorage.withUnsafeBytes { k in
            message.withUnsafeBytes { m in
                HMAC(EVP_sha256(), k.baseAddress, Int32(key.count),
                     m.baseAddress?.assumingMemoryBound(to: UInt8.self), m.count, &out, &length)
            }
        }
        precondition(result != nil, "HMAC-SHA256 failed")
        return Array(out.prefix(Int(length)))
    }

    public static func hex(key: [UInt8], message: [UInt8]) -> String { Hex.encode(mac(key: key, message: message)) }
}
