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
            let headers = String(decoding: body[cursor..<headerEnd], as: UTF8.self)
            let start = headerEnd + 4
            guard let next = ByteSearch.find([13, 10] + delimiter, in: body, from: start) else {
                throw BusRefusal("bus.body_invalid", "the multipart body is not closed")
            }
            guard let disposition = headers.split(separator: "\r\n").first(where: {
                $0.lowercased().hasPrefix("content-disposition:")
            }), let name = Self.parameter("name", in: disposition) else {
                throw BusRefusal("bus.body_invalid", "a multipart part has no Content-Disposition name")
            }
            parts.append(Part(name: name, fileName: Self.parameter("filename", in: disposition), body: body[start..<next]))
            cursor = next + 2
        }
        self.parts = parts
    }

    func part(named name: String) -> Part? { parts.first { $0.name == name } }

    private static func boundary(in contentType: String) -> String? {
        let lowered = contentType.lowercased()
        guard lowered.hasPrefix("multipart/form-data"), let boundary = parameter("boundary", in: Substring(contentType)),
              !boundary.isEmpty, boundary.count <= 200 else { return nil }
        return boundary
    }

    /// `name="value"` or `name=value` in a header's parameters.
    private static func parameter(_ name: String, in header: Substring) -> String? {
        for piece in header.split(separator: ";").dropFirst() {
            let pair = piece.trimmingCharacters(in: .whitespaces)
            guard let equals = pair.firstIndex(of: "="), pair[..<equals].lowercased() == name else { continue }
            var value = pair[pair.index(after: equals)...]
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = value.dropFirst().dropLast() }
            return String(value)
        }
        return nil
    }
}
