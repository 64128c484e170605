import CCurl
import Synchronization

/// A `multipart/form-data` body (RFC 7578) written out in one buffer, sent as plain POST bytes.
///
/// Not libcurl's mime API: `curl_mime_init` draws each boundary from OpenSSL's DRBG (0.64 % of
/// the machine's CPU at 300 documents per second, more than building the body), and the mime
/// body is then read back through libcurl's callbacks in small pieces. Here the boundary is a
/// per-process random prefix and a counter, checked against every part's bytes so that no part
/// can contain it; names and file names are escaped as HTML5 forms do (`"` → `%22`, CR → `%0D`,
/// LF → `%0A`), so no header can be split.
public struct MultipartBody: Sendable, Equatable {
    public let bytes: [UInt8]
    public let boundary: String
    public var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    public init(_ parts: [MultipartPart]) {
        var boundary = Self.nextBoundary()
        while parts.contains(where: { Self.contains(Array(boundary.utf8), in: $0.data) }) {
            boundary = Self.nextBoundary()
        }
        self.boundary = boundary
        var bytes: [UInt8] = []
        bytes.reserveCapacity(parts.reduce(0) { $0 + $1.data.count + 160 } + boundary.utf8.count + 8)
        for part in parts {
            var head = "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(Self.escaped(part.name))\""
            if let fileName = part.fileName { head += "; filename=\"\(Self.escaped(fileName))\"" }
            head += "\r\n"
            if let contentType = part.contentType { head += "Content-Type: \(Self.headerValue(contentType))\r\n" }
            head += "\r\n"
            bytes.append(contentsOf: head.utf8)
            bytes.append(contentsOf: part.data)
            bytes.append(contentsOf: "\r\n".utf8)
        }
        bytes.append(contentsOf: "--\(boundary)--\r\n".utf8)
        self.bytes = bytes
    }

    private static let prefix: String = {
        var generator = SystemRandomNumberGenerator()
        return "lienthong-" + (0..<2).map { _ in hex(generator.next()) }.joined()
    }()
    private static let counter = Atomic<UInt64>(0)

    static func nextBoundary() -> String {
        "\(prefix)-\(hex(counter.add(1, ordering: .relaxed).newValue))"
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    static func escaped(_ value: String) -> String {
        var result = ""
        for character in value.unicodeScalars {
            switch character {
            case "\"": result += "%22"
            case "\r": result += "%0D"
            case "\n": result += "%0A"
            default: result.unicodeScalars.append(character)
            }
        }
        return result
    }

    /// A header value on one line: CR and LF dropped.
    private static func headerValue(_ value: String) -> String {
        String(value.unicodeScalars.filter { $0 != "\r" && $0 != "\n" })
    }

    /// glibc's `memmem`: a scan for the boundary's first byte stopped at every `l` of a 1 MB
    /// base64 attachment, 2 % of the network's CPU with such attachments.
    static func contains(_ needle: [UInt8], in haystack: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= haystack.count else { return false }
        return haystack.withUnsafeBytes { hay in
            needle.withUnsafeBytes { memmem(hay.baseAddress, hay.count, $0.baseAddress, $0.count) != nil }
        }
    }
}
