import Foundation
import Testing
import TestSupport
@testable import Gateway

/// The bus's reading of `sendEdoc`'s multipart body (the unit API's reader): part names from
/// Content-Disposition in any case, quoted or not, with UTF-8 file names; anything else refused
/// as `bus.body_invalid`.
@Suite("bus: the multipart form of sendEdoc")
struct MultipartFormTests {
    func body(_ text: String) -> [UInt8] { Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8) }

    @Test("names and file names are read whatever the header's case and quoting")
    func namesAndFileNames() throws {
        let form = try MultipartForm(body: body("""
            preamble
            --XyZ
            CONTENT-DISPOSITION: form-data; name="file_doc"; filename="Công văn 1.edxml"
            Content-Type: application/xml

            <edXML/>
            --XyZ
            content-type: text/plain
            Content-Disposition: form-data;name=note

            hello
            --XyZ--
            """), contentType: "multipart/form-data; boundary=\"XyZ\"")
        #expect(form.parts.map(\.name) == ["file_doc", "note"])
        #expect(form.part(named: "file_doc")?.fileName == "Công văn 1.edxml")
        #expect(form.part(named: "file_doc").map { Array($0.body) } == Array("<edXML/>".utf8))
        #expect(form.part(named: "note").map { Array($0.body) } == Array("hello".utf8))
        #expect(form.part(named: "note")?.fileName == nil)
    }

    @Test("a part without a Content-Disposition name, a missing boundary or an unclosed body is refused")
    func refusals() {
        let noName = body("--b\nContent-Type: text/plain\n\nx\n--b--")
        #expect(throws: BusRefusal.self) { try MultipartForm(body: noName, contentType: "multipart/form-data; boundary=b") }
        let fine = body("--b\nContent-Disposition: form-data; name=\"a\"\n\nx\n--b--")
        #expect(throws: BusRefusal.self) { try MultipartForm(body: fine, contentType: "multipart/form-data") }
        #expect(throws: BusRefusal.self) { try MultipartForm(body: fine, contentType: "text/plain; boundary=b") }
        let unclosed = body("--b\nContent-Disposition: form-data; name=\"a\"\n\nx")
        #expect(throws: BusRefusal.self) { try MultipartForm(body: unclosed, contentType: "multipart/form-data; boundary=b") }
    }

    @Test("the unit API's bounds hold: more than 256 parts, or a header block over 8 KiB, is refused")
    func bounds() throws {
        let part = "--b\nContent-Disposition: form-data; name=\"p\"\n\nx\n"
        let contentType = "multipart/form-data; boundary=b"
        #expect(try MultipartForm(body: body(String(repeating: part, count: 256) + "--b--"), contentType: contentType).parts.count == 256)
        let tooMany = #expect(throws: BusRefusal.self) {
            try MultipartForm(body: body(String(repeating: part, count: 257) + "--b--"), contentType: contentType)
        }
        #expect(tooMany?.reasonCode == "bus.body_invalid")
        #expect(tooMany?.explanation.contains("more than 256 parts") == true)
        let longHeader = "--b\nContent-Disposition: form-data; name=\"p\"\nX-Pad: \(String(repeating: "a", count: 9000))\n\nx\n--b--"
        #expect(throws: BusRefusal.self) { try MultipartForm(body: body(longHeader), contentType: contentType) }
    }
}

/// Damaged forms, seeded: the reader returns parts cut from the body it was given, or refuses
/// with `bus.body_invalid`; it never traps, whatever the damage.
@Suite("bus: mutated multipart forms")
struct MutatedMultipartFormTests {
    @Test("5,000 seeded mutations of a two-part form: parts within the body, or bus.body_invalid")
    func mutatedForms() throws {
        let contentType = "multipart/form-data; boundary=XyZ"
        let original = Array("""
            --XyZ\r
            Content-Disposition: form-data; name="file_doc"; filename="công văn.edxml"\r
            Content-Type: application/xml\r
            \r
            <edXML><Subject>đã nhận</Subject></edXML>\r
            --XyZ\r
            Content-Disposition: form-data; name=note\r
            \r
            hello\r
            --XyZ--\r

            """.utf8)
        var random = SeededGenerator(seed: 0x5EED_F0F0)
        var readable = 0
        for round in 0..<5_000 {
            let (mutated, mutation) = EnvelopeMutation.apply(to: original, using: &random)
            do {
                let form = try MultipartForm(body: mutated, contentType: contentType)
                readable += 1
                for part in form.parts {
                    #expect(part.body.startIndex >= 0 && part.body.endIndex <= mutated.count, "round \(round), \(mutation)")
                    #expect(Array(part.body) == Array(mutated[part.body.startIndex..<part.body.endIndex]), "round \(round), \(mutation)")
                }
            } catch {
                #expect(error.reasonCode == "bus.body_invalid", "round \(round), \(mutation)")
            }
        }
        #expect(readable > 0)
    }
}

/// The `to` header's JSON array of OrganIds, read without the JSON parser when plain.
@Suite("bus: the to header")
struct OrganIdListTests {
    @Test("plain arrays are read directly and agree with the JSON parser; anything else goes to it")
    func agreesWithJSONSerialization() throws {
        let plain = ["[]", "[\"000.00.00.H41\"]", " [ \"a\" , \"b\" ] ", "[\"Bộ Nội vụ\",\"x\"]"]
        for text in plain {
            let fast = try #require(BusAPIRoutes.plainStringArray(text.trimmingCharacters(in: .whitespaces)), "\(text)")
            let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String]
            #expect(fast == parsed, "\(text)")
        }
        for text in ["[\"a\\\"b\"]", "[\"a\",]", "[\"a\" \"b\"]", "[1]", "[\"a\"", "[\"a\"] x", "{\"a\":1}"] {
            #expect(BusAPIRoutes.plainStringArray(text) == nil, "\(text)")
        }
        #expect(try BusAPIRoutes.organIdList("[\"a\\u0062\"]") == ["ab"], "escapes still go through the JSON parser")
        #expect(throws: BusRefusal.self) { try BusAPIRoutes.organIdList("[\"a\",\"\"]") }
        #expect(try BusAPIRoutes.organIdList("000.00.00.H41") == ["000.00.00.H41"])
        #expect(try BusAPIRoutes.organIdList(" \t[ \"a\" , \"b\" ]\t ") == ["a", "b"], "spaces and tabs around the list")
        #expect(try BusAPIRoutes.organIdList("  000.00.00.H41 ") == ["000.00.00.H41"])
        #expect(try BusAPIRoutes.organIdList(" \t ") == [])
    }
}
