import Foundation
@testable import LibCurl
import Testing

@Suite("multipart/form-data bodies written by the relay")
struct MultipartBodyTests {
    @Test("every part's name, file name, type and exact bytes come back from a form parser")
    func partsRoundTrip() throws {
        let binary = (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 131) } + Array("\r\n--\r\n--x--\r\n".utf8)
        let parts = [
            MultipartPart(name: "file_doc", data: Array("<edXMLEnvelope/>".utf8), fileName: "văn-bản.edxml", contentType: "application/xml"),
            MultipartPart(name: "attachment", data: binary, fileName: "phu-luc.pdf", contentType: "application/pdf"),
            MultipartPart(name: "note", data: []),
        ]
        let body = MultipartBody(parts)
        let received = try #require(parseMultipart(body.bytes, contentType: body.contentType))
        #expect(received == parts.map { ReceivedPart(name: $0.name, fileName: $0.fileName, contentType: $0.contentType, data: $0.data) })
        #expect(body.contentType == "multipart/form-data; boundary=\(body.boundary)")
    }

    @Test("the boundary never occurs in a part, even one holding the next boundaries the counter would give")
    func boundaryAvoidsThePartsBytes() {
        let first = MultipartBody([])
        let prefix = first.boundary.split(separator: "-").dropLast().joined(separator: "-")
        let counter = UInt64(first.boundary.split(separator: "-").last!, radix: 16)!
        let predicted = (1...64).map { "\(prefix)-" + String(format: "%016llx", counter + UInt64($0)) }
        let hostile = Array(predicted.joined(separator: "\r\n").utf8)
        let body = MultipartBody([MultipartPart(name: "f", data: hostile)])
        #expect(!MultipartBody.contains(Array(body.boundary.utf8), in: hostile))
        #expect(parseMultipart(body.bytes, contentType: body.contentType)?.first?.data == hostile)
    }

    @Test("names and file names cannot break out of their header")
    func namesAreEscaped() throws {
        let body = MultipartBody([MultipartPart(name: "a\"b", data: [1], fileName: "x\r\nContent-Type: text/evil\".pdf")])
        let text = String(decoding: body.bytes, as: UTF8.self)
        #expect(text.contains("name=\"a%22b\"; filename=\"x%0D%0AContent-Type: text/evil%22.pdf\"\r\n"))
        #expect(!text.contains("\r\nContent-Type: text/evil"))
    }

    @Test("searching bytes finds a needle anywhere, and nothing that is not there")
    func byteSearch() {
        let haystack = Array("abcabd--boundary--".utf8)
        #expect(MultipartBody.contains(Array("abd".utf8), in: haystack))
        #expect(MultipartBody.contains(Array("--boundary--".utf8), in: haystack))
        #expect(MultipartBody.contains(Array("a".utf8), in: haystack))
        #expect(!MultipartBody.contains(Array("abe".utf8), in: haystack))
        #expect(!MultipartBody.contains(Array("--boundary---".utf8), in: haystack))
        #expect(!MultipartBody.contains([], in: haystack))
    }
}
