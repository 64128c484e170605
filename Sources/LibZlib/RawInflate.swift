import CZlib

/// Why bytes could not be inflated.
public struct InflateError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Not a valid DEFLATE stream, or it ends early.
        case corrupt
        /// The output would exceed the caller's limit (a ZIP bomb, or just too big).
        case tooLarge
    }

    public let kind: Kind
    public let description: String
}

/// Raw DEFLATE (RFC 1951, as ZIP entries carry it) through zlib, bounded by an output limit.
public enum RawInflate {
    /// Inflates `compressed` up to the end of its DEFLATE stream (bytes after it are ignored).
    public static func inflate(_ compressed: [UInt8], limit: Int) throws -> [UInt8] {
        var stream = z_stream()
        guard lt_inflate_init_raw(&stream) == Z_OK else {
            throw InflateError(kind: .corrupt, description: "zlib could not start inflating")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        return try compressed.withUnsafeBufferPointer { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = UInt32(clamping: input.count)
            while true {
                let (status, produced) = chunk.withUnsafeMutableBufferPointer { buffer in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = UInt32(buffer.count)
                    let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    return (status, buffer.count - Int(stream.avail_out))
                }
                guard output.count + produced <= limit else {
                    throw InflateError(kind: .tooLarge, description: "the inflated data exceeds \(limit) bytes")
                }
                output.append(contentsOf: chunk[0..<produced])
                switch status {
                case Z_STREAM_END:
                    return output
                case Z_OK:
                    continue
                case Z_BUF_ERROR where produced > 0:
                    continue
                default:
                    throw InflateError(kind: .corrupt, description: "the DEFLATE data is corrupt or truncated (zlib status \(status))")
                }
            }
        }
    }

    /// The CRC-32 ZIP records for each entry.
    public static func crc32(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { buffer in
            UInt32(CZlib.crc32(0, buffer.baseAddress, UInt32(clamping: buffer.count)))
        }
    }
}
