import Foundation

/// Strict base64 decoding that skips XML whitespace (senders wrap lines), in one pass without an
/// intermediate copy. Foundation's decoder on Linux runs at about a tenth of this speed, and
/// attachments are most of what a reader handles.
enum Base64Decoding {
    /// The decoded bytes, or nil when `text` is not base64 (a character outside the alphabet, a
    /// length that is not a whole number of quads, padding anywhere but the end).
    static func decode(_ text: [UInt8]) -> Data? {
        var out = Data(count: text.count / 4 * 3 + 3)
        let written: Int? = out.withUnsafeMutableBytes { raw in
            var sink = Writing(output: raw.bindMemory(to: UInt8.self))
            return scan(text, into: &sink) ? sink.written : nil
        }
        guard let written else { return nil }
        out.count = written
        return out
    }

    /// What the decoded bytes would be (their count and first four bytes) without writing them,
    /// under the same rules as `decode`: for a reader that checks attachments and keeps nothing.
    static func measure(_ text: [UInt8]) -> (count: Int, head: [UInt8])? {
        var sink = Measuring()
        guard scan(text, into: &sink) else { return nil }
        return (sink.count, sink.head)
    }

    private static let invalid: UInt8 = 0xFF
    private static let skip: UInt8 = 0xFE
    private static let table: [UInt8] = {
        var t = [UInt8](repeating: invalid, count: 256)
        for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() { t[Int(c)] = UInt8(i) }
        for c in [0x20, 0x09, 0x0A, 0x0D] { t[c] = skip }
        return t
    }()

    /// Walks `text`, handing each decoded quad (24 bits, of which `count` bytes count) to `sink`;
    /// false when `text` is not base64.
    @inline(__always)
    private static func scan<Sink: DecodedBytesSink>(_ text: [UInt8], into sink: inout Sink) -> Bool {
        table.withUnsafeBufferPointer { table in
            text.withUnsafeBufferPointer { input in
                var quad: UInt32 = 0
                var filled = 0
                var padding = 0
                var index = 0
                let count = input.count
                while index < count {
                    // Fast path: four alphabet characters at a quad boundary.
                    if filled == 0 && index + 4 <= count {
                        let a = table[Int(input[index])], b = table[Int(input[index + 1])]
                        let c = table[Int(input[index + 2])], d = table[Int(input[index + 3])]
                        if (a | b | c | d) < 64 {
                            sink.put(UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d), count: 3)
                            index += 4
                            if padding > 0 { return false }
                            continue
                        }
                    }
                    let byte = input[index]
                    index += 1
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
                        sink.put(quad, count: 3 - padding)
                        quad = 0
                        filled = 0
                        if padding > 0 { padding = 3 }  // nothing may follow the padded quad
                    }
                }
                return filled == 0
            }
        }
    }
}

private protocol DecodedBytesSink {
    /// The top `count` bytes of the 24 bits in `quad`.
    mutating func put(_ quad: UInt32, count: Int)
}

private struct Writing: DecodedBytesSink {
    let output: UnsafeMutableBufferPointer<UInt8>
    var written = 0

    @inline(__always)
    mutating func put(_ quad: UInt32, count: Int) {
        // Three bytes are always stored (the buffer has room); `count` says how many are kept.
        output[written] = UInt8(truncatingIfNeeded: quad >> 16)
        output[written + 1] = UInt8(truncatingIfNeeded: quad >> 8)
        output[written + 2] = UInt8(truncatingIfNeeded: quad)
        written += count
    }
}

private struct Measuring: DecodedBytesSink {
    var count = 0
    var head: [UInt8] = []

    @inline(__always)
    mutating func put(_ quad: UInt32, count: Int) {
        if self.count < 4 {
            let bytes = [UInt8(truncatingIfNeeded: quad >> 16), UInt8(truncatingIfNeeded: quad >> 8), UInt8(truncatingIfNeeded: quad)]
            head.append(contentsOf: bytes.prefix(min(count, 4 - self.count)))
        }
        self.count += count
    }
}
