/// Standard base64 (RFC 4648 §4) as XML-DSig and edXML attachments carry it.
///
/// Decoding skips XML whitespace (signers wrap lines) and refuses everything else that is not
/// part of the alphabet, so a corrupted value is an error, never silently shortened.
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let reverse: [UInt8] = {
        var table = [UInt8](repeating: 0xff, count: 256)
        for (index, char) in alphabet.enumerated() { table[Int(char)] = UInt8(index) }
        for space in [0x20, 0x09, 0x0a, 0x0d] { table[space] = 0xfe }
        table[Int(UInt8(ascii: "="))] = 0xfd
        return table
    }()

    /// Encodes without line breaks; `lineLength` (a multiple of 4) wraps with "\n".
    public static func encode<Bytes: Collection>(_ bytes: Bytes, lineLength: Int? = nil) -> String where Bytes.Element == UInt8 {
        let input = Array(bytes)
        var out: [UInt8] = []
        out.reserveCapacity((input.count + 2) / 3 * 4 + (lineLength.map { input.count / $0 + 1 } ?? 0))
        var column = 0
        var index = 0
        func emit(_ c: UInt8) {
            if let lineLength, column == lineLength { out.append(0x0a); column = 0 }
            out.append(c)
            column += 1
        }
        while index + 3 <= input.count {
            let chunk = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
            emit(alphabet[Int(chunk >> 18 & 63)]); emit(alphabet[Int(chunk >> 12 & 63)])
            emit(alphabet[Int(chunk >> 6 & 63)]); emit(alphabet[Int(chunk & 63)])
            index += 3
        }
        let rest = input.count - index
        if rest > 0 {
            let chunk = UInt32(input[index]) << 16 | (rest == 2 ? UInt32(input[index + 1]) << 8 : 0)
            emit(alphabet[Int(chunk >> 18 & 63)]); emit(alphabet[Int(chunk >> 12 & 63)])
            emit(rest == 2 ? alphabet[Int(chunk >> 6 & 63)] : UInt8(ascii: "=")); emit(UInt8(ascii: "="))
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes, or nil when the text has a character outside the alphabet, bad padding, or a
    /// length that is not a whole number of quads.
    public static func decode(_ text: String) -> [UInt8]? {
        var text = text
        return text.withUTF8 { decode(bytes: $0) }
    }

    public static func decode<Bytes: Collection>(bytes: Bytes) -> [UInt8]? where Bytes.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count / 4 * 3)
        var quad: UInt32 = 0
        var filled = 0
        var padding = 0
        for char in bytes {
            let value = reverse[Int(char)]
            switch value {
            case 0xfe: continue
            case 0xfd:
                padding += 1
                guard filled >= 2, filled + padding <= 4 else { return nil }
                continue
            case 0xff: return nil
            default:
                guard padding == 0 else { return nil }
                quad = quad << 6 | UInt32(value)
                filled += 1
                if filled == 4 {
                    out.append(UInt8(quad >> 16 & 0xff)); out.append(UInt8(quad >> 8 & 0xff)); out.append(UInt8(quad & 0xff))
                    quad = 0; filled = 0
                }
            }
        }
        if padding > 0 || filled > 0 {
            guard filled + padding == 4 || (padding == 0 && filled >= 2) else { return nil }
            if padding == 0 && filled > 0 {
                // Unpadded tail: accepted, as several signers omit '='.
                quad <<= UInt32(6 * (4 - filled))
            } else {
                quad <<= UInt32(6 * padding)
            }
            out.append(UInt8(quad >> 16 & 0xff))
            if filled == 3 { out.append(UInt8(quad >> 8 & 0xff)) }
        }
        return out
    }
}
