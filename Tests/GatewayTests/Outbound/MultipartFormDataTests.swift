import Foundation
import Testing
@testable import Gateway

@Suite("multipart/form-data parser: the grammar, nothing guessed, bounded")
struct MultipartFormDataTests {
    func parse(_ text: String, boundary: String = "b0und") throws -> [MultipartPart] {
        try MultipartFormData.parse(Array(text.utf8), boundary: boundary)
    }

    func reason(_ text: String, boundary: String = "b0und") -> String? {
        do { _ = try parse(text, boundary: boundary); return nil } catch { return (error as? Problem)?.reasonCode }
    }

    @Test("parts with a preamble, quoted names, RFC 8187 file names, a CRLF inside a body, an epilogue")
    func parts() throws {
        let body = "preamble\r\n--b0und\r\nContent-Disposition: form-data; name=\"document\"\r\nContent-Type: application/json\r\n\r\n{\"a\":1}\r\n"
            + "--b0und\r\ncontent-disposition: form-data; name=\"f;1\"; filename=\"C:\\\\tmp\\\\x.pdf\"; filename*=UTF-8''T%E1%BB%9D%20tr%C3%ACnh.pdf\r\n\r\n"
            + "line1\r\nline2\r\n--b0und--\r\nepilogue"
        let parts = try parse(body)
        #expect(parts.map(\.name) == ["document", "f;1"])
        #expect(parts[0].contentType == "application/json")
        #expect(String(decoding: parts[0].body, as: UTF8.self) == "{\"a\":1}")
        #expect(parts[1].fileName == "Tờ trình.pdf")
        #expect(String(decoding: parts[1].body, as: UTF8.self) == "line1\r\nline2")
    }

    @Test("an empty part body and a plain file name without directories")
    func emptyBody() throws {
        let parts = try parse("--b0und\r\nContent-Disposition: form-data; name=\"x\"; filename=\"../../etc/passwd\"\r\n\r\n\r\n--b0und--")
        #expect(parts.count == 1)
        #expect(parts[0].body.isEmpty)
        #expect(parts[0].fileName == "passwd")
    }

    @Test("malformed bodies are refused with request.multipart_malformed")
    func malformed() {
        let cases = [
            "",
            "no boundary here",
            "--b0und\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nunterminated",
            "--b0und\r\n\r\nbody without headers\r\n--b0und--",
            "--b0und\r\nContent-Type: text/plain\r\n\r\nno disposition\r\n--b0und--",
            "--b0und\r\nContent-Disposition: attachment; name=\"x\"\r\n\r\nx\r\n--b0und--",
            "--b0und\r\nContent-Disposition: form-data\r\n\r\nno name\r\n--b0und--",
            "--b0und\r\nbroken header line\r\n\r\nx\r\n--b0und--",
            "--b0undjunk\r\n",
            "--b0und\r\nContent-Disposition: form-data; name=\"x\"\r\n" + String(repeating: "X-Pad: aaaaaaaa\r\n", count: 1000) + "\r\nx\r\n--b0und--",
        ]
        for text in cases {
            #expect(reason(text) == "request.multipart_malformed", "\(text.prefix(60))")
        }
        #expect(reason("--\(String(repeating: "b", count: 71))\r\n", boundary: String(repeating: "b", count: 71)) == "request.multipart_malformed")
    }

    @Test("every truncation of a valid body is parsed or refused, never a crash or a guess")
    func truncations() {
        let body = Array("--b0und\r\nContent-Disposition: form-data; name=\"document\"\r\n\r\n{}\r\n--b0und\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.pdf\"\r\n\r\n%PDF\r\n--b0und--\r\n".utf8)
        for length in 0..<body.count {
            do {
                let parts = try MultipartFormData.parse(Array(body.prefix(length)), boundary: "b0und")
                #expect(parts.count == 2, "prefix \(length) parsed as \(parts.count) parts")
            } catch {
                #expect((error as? Problem)?.reasonCode == "request.multipart_malformed")
            }
        }
    }

    @Test("more parts than the bound are refused")
    func tooManyParts() {
        let part = "--b0und\r\nContent-Disposition: form-data; name=\"p\"\r\n\r\nx\r\n"
        let body = String(repeating: part, count: MultipartFormData.maxParts + 1) + "--b0und--"
        #expect(reason(body) == "request.multipart_malformed")
        #expect((try? parse(String(repeating: part, count: MultipartFormData.maxParts) + "--b0und--"))?.count == MultipartFormData.maxParts)
    }
}
