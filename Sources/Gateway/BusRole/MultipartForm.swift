import Foundation

/// The parts of a `multipart/form-data` body (RFC 7578), enough for VDXP's `file_doc`: each
/// part's name from `Content-Disposition` and its bytes. Anything malformed is refused, never guessed.
struct MultipartForm {
    struct Part {
        var name: String
        var fileName: String?
        var body: ArraySlice<UInt8>
    }

    let parts: [Part]

    init(body: [UInt8], contentType: String) throws(BusRefusal) {
        guard let boundary = Self.boundary(in: contentType) else {
            throw BusRefusal("bus.body_invalid", "the body must be multipart/form-data with a boundary")
        }
        let delimiter = Array("--\(boundary)".utf8)
        var parts: [Part] = []
        guard var cursor = ByteSearch.find(delimiter, in: body, from: 0) else {
            throw BusRefusal("bus.body_invalid", "the multipart body has no part")
        }
        while true {
            cursor += delimiter.count
            if body[cursor...].starts(with: Array("--".utf8)) { break }
            guard body[cursor...].starts(with: [13, 10]) else {
                throw BusRefusal("bus.body_invalid", "a multipart delimiter is not followed by a line break")
            }
            cursor += 2
            guard let headerEnd = ByteSearch.find([13, 10, 13, 10], in: body, from: cursor) else {
                throw BusRefusal("bus.body_invalid", "a multipart part has no end of headers")
            }
            let start = headerEnd + 4
            guard let next = ByteSearch.find([13, 10] + delimiter, in: body, from: start) else {
                throw BusRefusal("bus.body_invalid", "the multipart body is not closed")
            }
            guard let disposition = Self.headerLine(named: "content-disposition:", in: body[cursor..<headerEnd]),
                  let name = Self.parameter("name", in: disposition) else {
                throw BusRefusal("bus.body_invalid", "a multipart part has no Content-Disposition name")
            }
            parts.append(Part(name: name, fileName: Self.parameter("filename", in: disposition), body: body[start..<next]))
            cursor = next + 2
        }
        self.parts = parts
    }

    func part(named name: String) -> Part? { parts.first { $0.name == name } }

    /// The header line that starts with `prefix` (ASCII, lowercase), whatever its case.
    private static func headerLine(named prefix: String, in headers: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        let wanted = Array(prefix.utf8)
        for line in headers.split(separator: 0x0A, omittingEmptySubsequences: true) {
            let content = line.last == 0x0D ? line.dropLast() : line
            if content.count >= wanted.count, content.prefix(wanted.count).asciiLowercased == wanted { return content }
        }
        return nil
    }

    private static func boundary(in contentType: String) -> String? {
        let lowered = contentType.lowercased()
        guard lowered.hasPrefix("multipart/form-data"), let boundary = parameter("boundary", in: Array(contentType.utf8)[...]),
              !boundary.isEmpty, boundary.count <= 200 else { return nil }
        return boundary
    }

    /// `name="value"` or `name=value` in a header's parameters. Bytes: the delimiters are ASCII,
    /// which never occurs inside a UTF-8 sequence.
    private static func parameter(_ name: String, in header: ArraySlice<UInt8>) -> String? {
        let wanted = Array(name.utf8)
        for piece in header.split(separator: UInt8(ascii: ";"), omittingEmptySubsequences: false).dropFirst() {
            let pair = piece.trimmingSpacesAndTabs
            guard let equals = pair.firstIndex(of: UInt8(ascii: "=")), pair[..<equals].asciiLowercased == wanted else { continue }
            var value = pair[(equals + 1)...]
            if value.count >= 2, value.first == UInt8(ascii: "\""), value.last == UInt8(ascii: "\"") {
                value = value.dropFirst().dropLast()
            }
            return String(decoding: value, as: UTF8.self)
        }
        return nil
    }
}
