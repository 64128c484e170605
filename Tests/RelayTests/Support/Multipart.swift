/// A minimal `multipart/form-data` reader for the test bus (RFC 7578), enough to check what the
/// relay sent: each part's name, file name, content type and exact bytes.
struct ReceivedPart: Equatable {
    var name: String?
    var fileName: String?
    var contentType: String?
    var data: [UInt8]
}

func parseMultipart(_ body: [UInt8], contentType: String) -> [ReceivedPart]? {
    guard let boundaryRange = contentType.range(of: "boundary=") else { return nil }
    var boundary = String(contentType[boundaryRange.upperBound...])
    if let semicolon = boundary.firstIndex(of: ";") { boundary = String(boundary[..<semicolon]) }
    boundary = boundary.trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
    let delimiter = Array("--\(boundary)".utf8)
    var parts: [ReceivedPart] = []
    var positions: [Int] = []
    var i = 0
    while i + delimiter.count <= body.count {
        if body[i] == delimiter[0] && Array(body[i..<i + delimiter.count]) == delimiter {
            positions.append(i)
            i += delimiter.count
        } else {
            i += 1
        }
    }
    guard positions.count >= 2 else { return nil }
    for (start, end) in zip(positions, positions.dropFirst()) {
        // After the delimiter: CRLF, headers, CRLF CRLF, data, CRLF (before the next delimiter).
        let segment = Array(body[(start + delimiter.count + 2)..<(end - 2)])
        guard let split = find([13, 10, 13, 10], in: segment) else { return nil }
        let headerText = String(decoding: segment[..<split], as: UTF8.self)
        var part = ReceivedPart(data: Array(segment[(split + 4)...]))
        for line in headerText.components(separatedBy: "\r\n") {
            let lower = line.lowercased()
            if lower.hasPrefix("content-disposition:") {
                part.name = parameter("name", in: line)
                part.fileName = parameter("filename", in: line)
            } else if lower.hasPrefix("content-type:") {
                part.contentType = line.dropFirst("content-type:".count).trimmingCharacters(in: .whitespaces)
            }
        }
        parts.append(part)
    }
    return parts
}

private func parameter(_ name: String, in line: String) -> String? {
    guard let range = line.range(of: "; \(name)=\"") else { return nil }
    let rest = line[range.upperBound...]
    return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
}

private func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
    guard haystack.count >= needle.count else { return nil }
    for i in 0...(haystack.count - needle.count) where Array(haystack[i..<i + needle.count]) == needle { return i }
    return nil
}

import Foundation
