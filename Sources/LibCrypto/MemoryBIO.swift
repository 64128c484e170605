import COpenSSL

/// OpenSSL's in-memory I/O, used only inside this module.
///
/// `BIO_new_mem_buf` does not copy its input, so readers always get a BIO that owns a copy.
final class MemoryBIO {
    let handle: OpaquePointer

    /// An empty BIO to write into.
    init() throws {
        guard let bio = BIO_new(BIO_s_mem()) else { throw CryptoError.fromQueue(.failed, "cannot allocate a memory BIO") }
        handle = bio
    }

    /// A BIO holding a copy of `bytes`, to read from.
    convenience init<Bytes: Collection>(copying bytes: Bytes) throws where Bytes.Element == UInt8 {
        try self.init()
        let array = Array(bytes)
        let written = array.withUnsafeBytes { BIO_write(handle, $0.baseAddress, Int32($0.count)) }
        guard written == array.count || array.isEmpty else { throw CryptoError.fromQueue(.failed, "cannot fill a memory BIO") }
    }

    deinit { BIO_free(handle) }

    /// Everything written so far.
    var contents: [UInt8] {
        var pointer: UnsafeMutablePointer<CChar>?
        let length = lt_BIO_get_mem_data(handle, &pointer)
        guard length > 0, let pointer else { return [] }
        return pointer.withMemoryRebound(to: UInt8.self, capacity: length) { Array(UnsafeBufferPointer(start: $0, count: length)) }
    }

    var string: String { String(decoding: contents, as: UTF8.self) }
}

/// Runs `body` with a borrowed pointer to the bytes of `buffer` for OpenSSL's d2i functions.
func withDERPointer<R>(_ der: [UInt8], _ body: (UnsafeMutablePointer<UnsafePointer<UInt8>?>, Int) -> R) -> R {
    der.withUnsafeBufferPointer { buffer in
        var pointer: UnsafePointer<UInt8>? = buffer.baseAddress
        return body(&pointer, buffer.count)
    }
}

/// Encodes with an i2d function: the first call measures, the second writes.
func encodeDER(_ i2d: (UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?) -> Int32) throws -> [UInt8] {
    let length = i2d(nil)
    guard length > 0 else { throw CryptoError.fromQueue(.failed, "cannot DER-encode") }
    var out = [UInt8](repeating: 0, count: Int(length))
    let written = out.withUnsafeMutableBufferPointer { buffer -> Int32 in
        var pointer: UnsafeMutablePointer<UInt8>? = buffer.baseAddress
        return i2d(&pointer)
    }
    guard written == length else { throw CryptoError.fromQueue(.failed, "cannot DER-encode") }
    return out
}

/// Copies an ASN1_STRING (any string type) out as UTF-8 text.
func utf8String(of asn1: UnsafePointer<ASN1_STRING>?) -> String? {
    guard let asn1 else { return nil }
    var out: UnsafeMutablePointer<UInt8>?
    let length = ASN1_STRING_to_UTF8(&out, asn1)
    guard length >= 0, let out else { return nil }
    defer { lt_OPENSSL_free(out) }
    return String(decoding: UnsafeBufferPointer(start: out, count: Int(length)), as: UTF8.self)
}
