import Foundation

/// One part of a `multipart/form-data` body (RFC 7578): a unit's submission, or a `sendEdoc` to the bus.
struct MultipartPart: Sendable, Equatable {
    var name: String
    var fileName: String?
    var contentType: String?
    var body: ArraySlice<UInt8>
}

/// A bounded parser of `multipart/form-data` over a body already held in memory (the route
/// collected it under `limits.max_body`). Bounds: the number of parts and the size of each
/// part's header block; anything that does not follow the grammar is refused, never guessed.
/// The one reader of both the unit API and the bus API (`MultipartForm` adapts its refusals).
enum MultipartFormData {
    static let maxParts = 256
    static let maxHeaderBytes = 8 * 1024

    private static let crlf: [UInt8] = [0x0D, 0x0A]

    /// The boundary of a `multipart/form-data` Content-Type, quoted or not; nil for another
    /// media type or none given.
    static func boundary(in contentType: String) -> String? {
        let header = parameters(contentType)
        guard header.kind.lowercased() == "multipart/form-data", let boundary = header.values["boundary"],
              !boundary.isEmpty else { return nil }
        return boundary
    }

    static func parse(_ body: [UInt8], boundary: String) throws(Problem) -> [MultipartPart] {
        guard (1...70).contains(boundary.utf8.count) else {
            throw malformed("the boundary must be 1 to 70 characters")
        }
        let delimiter = Array("--\(boundary)".utf8)
        let separator = crlf + delimiter
        // The first delimiter starts the body or follows a preamble's line end.
        var position: Int
        if body.starts(with: delimiter) {
            position = delimiter.count
        } else if let found = ByteSearch.find(separator, in: body, from: 0) {
            position = found + separator.count
        } else {
            throw malformed("the body holds no part delimited by the boundary")
        }
        var parts: [MultipartPart] = []
        while true {
            if body[position...].starts(with: [0x2D, 0x2D]) { return parts }   // "--": the close delimiter
            while position < body.count, body[position] == 0x20 || body[position] == 0x09 { position += 1 }
            guard body[position...].starts(with: crlf) else { throw malformed("a delimiter is not followed by a line end") }
            position += 2
            guard parts.count < maxParts else { throw malformed("more than \(maxParts) parts") }
            guard !body[position...].starts(with: crlf) else { throw malformed("a part has no headers") }
            guard let headerEnd = ByteSearch.find(crlf + crlf, in: body, from: position, within: maxHeaderBytes + 4) else {
                throw malformed("a part's headers do not end within \(maxHeaderBytes) bytes")
            }
            let headers = try parseHeaders(body[position..<headerEnd])
            let contentStart = headerEnd + 4
            guard let contentEnd = ByteSearch.find(separator, in: body, from: contentStart) else {
                throw malformed("the body ends before the closing boundary")
            }
            parts.append(try part(headers: headers, body: body[contentStart..<contentEnd]))
            position = contentEnd + separator.count
        }
    }

    private static func part(headers: [String: String], body: ArraySlice<UInt8>) throws(Problem) -> MultipartPart {
        guard let disposition = headers["content-disposition"] else { throw malformed("a part has no Content-Disposition") }
        let fields = parameters(disposition)
        guard fields.kind.lowercased() == "form-data", let name = fields.values["name"] else {
            throw malformed("a part's Content-Disposition is not form-data with a name")
        }
        let fileName = fields.values["filename*"].flatMap(decodeExtendedValue) ?? fields.values["filename"]
        return MultipartPart(name: name, fileName: fileName.map { ($0 as NSString).lastPathComponent },
                        contentType: headers["content-type"], body: body)
    }

    /// Header lines as bytes: only ASCII delimiters are looked for, so UTF-8 text passes through
    /// untouched (Foundation's string splitting and trimming cost more than the rest of a small part).
    private static func parseHeaders(_ bytes: ArraySlice<UInt8>) throws(Problem) -> [String: String] {
        guard bytes.allSatisfy({ $0 < 0x80 }) || String(validating: bytes, as: UTF8.self) != nil else {
            throw malformed("a part's headers are not UTF-8")
        }
        var headers: [String: String] = [:]
        var lineStart = bytes.startIndex
        while lineStart < bytes.endIndex {
            var found = bytes[lineStart...].firstIndex(of: 0x0D)
            while let cr = found, cr + 1 < bytes.endIndex, bytes[cr + 1] != 0x0A {
                found = bytes[(cr + 1)...].firstIndex(of: 0x0D)
            }
            if let cr = found, cr + 1 >= bytes.endIndex { found = nil }
            let lineEnd = found ?? bytes.endIndex
            defer { lineStart = found.map { $0 + 2 } ?? bytes.endIndex }
            let line = bytes[lineStart..<lineEnd]
            guard !line.isEmpty else { continue }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { throw malformed("a part's header line has no colon") }
            headers[String(decoding: line[..<colon].trimmingSpacesAndTabs, as: UTF8.self).lowercased()] =
                String(decoding: line[(colon + 1)...].trimmingSpacesAndTabs, as: UTF8.self)
        }
        return headers
    }

    /// `form-data; name="document"; filename="a b.pdf"` → ("form-data", [name: document, filename: a b.pdf]).
    static func parameters(_ header: String) -> (kind: String, values: [String: String]) {
        var pieces: [[UInt8]] = []
        var current: [UInt8] = []
        var quoted = false
        var escaped = false
        // Byte by byte: the delimiters are ASCII, which never occurs inside a UTF-8 sequence.
        for byte in header.utf8 {
            if escaped { current.append(byte); escaped = false; continue }
            switch byte {
            case UInt8(ascii: "\\") where quoted: escaped = true
            case UInt8(ascii: "\""): quoted.toggle()
            case UInt8(ascii: ";") where !quoted: pieces.append(current); current = []
            default: current.append(byte)
            }
        }
        pieces.append(current)
        var values: [String: String] = [:]
        for piece in pieces.dropFirst() {
            guard let equals = piece.firstIndex(of: UInt8(ascii: "=")) else { continue }
            values[String(decoding: piece[..<equals].trimmingSpacesAndTabs, as: UTF8.self).lowercased()] =
                String(decoding: piece[(equals + 1)...].trimmingSpacesAndTabs, as: UTF8.self)
        }
        return (String(decoding: pieces[0][...].trimmingSpacesAndTabs, as: UTF8.self), values)
    }

    /// RFC 8187: `UTF-8''na%C3%AFve.pdf`.
    private static func decodeExtendedValue(_ value: String) -> String? {
        let pieces = value.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
        guard pieces.count == 3, pieces[0].lowercased() == "utf-8" else { return nil }
        return String(pieces[2]).removingPercentEncoding
    }

    private static func malformed(_ detail: String) -> Problem {
        Problem(.badRequest, "request.multipart_malformed", "the multipart/form-data body is malformed: \(detail)")
    }
}
