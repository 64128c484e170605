import Foundation

/// Strict base64 decoding that skips XML whitespace (senders wrap lines), in one pass without an
/// intermediate copy. Foundation's decoder on Linux runs at about a tenth of this speed, and
/// attachments are most of what a reader handles.
enum Base64Decoding {
    private static let invalid: UInt8 = 0xFF
    private static let skip: UInt8 = 0xFE
    private static let table: [UInt8] = {
        var t = [UInt8](repeating: invalid, count: 256)
        for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() { t[Int(c)] = UInt8(i) }
        for c in [0x20, 0x09, 0x0A, 0x0D] { t[c] = skip }
        return t
    }()

    /// The decoded bytes, or nil when `text` is not base64 (a character outside the alphabet, a
    /// length that is not a whole number of quads, padding anywhere but the end).
    static func decode(_ text: [UInt8]) -> Data? {
        var out = [UInt8]()
        out.reserveCapacity(text.count / 4 * 3)
        var quad: UInt32 = 0
        var filled = 0
        var padding = 0
        let ok: Bool = table.withUnsafeBufferPointer { table in
            for byte in text {
                let value = table[Int(byte)]
                if value == skip { continue }
                if byte == UInt8(ascii: "=") {
                    padding += 1
                    if padding > 2 || filled < 2 { return false }
                    quad <<= 6
                    filled += 1
                } else {
                    if value == invalid || padding > 0 { return false }
                    quad = quad << 6 | UInt32(value)
                    filled += 1
                }
                if filled == 4 {
                    out.append(UInt8(truncatingIfNeeded: quad >> 16))
                    if padding < 2 { out.append(UInt8(truncatingIfNeeded: quad >> 8)) }
                    if padding < 1 { out.append(UInt8(truncatingIfNeeded: quad)) }
                    quad = 0
                    filled = 0
                    if padding > 0 { padding = 3 }  // nothing may follow the padded quad
                }
            }
            return filled == 0
        }
        return ok ? Data(out) : nil
    }
}
