import EdXML
import Foundation
@testable import Gateway
import Testing

/// The attachment entries of the unit's document JSON: what each refusal says, where, and how
/// entries and multipart parts pair up.
@Suite struct UnitDocumentJSONTests {
    static let head = #"{"from": {"organId": "000.00.00.G22"}, "to": [{"organId": "000.00.00.H41"}], "code": {"number": "1", "notation": "T"}, "subject": "S""#

    func decode(attachments: String, files: [MultipartPart]? = nil) throws -> [IncomingAttachment] {
        try UnitDocumentJSON.decode(Array((Self.head + #", "attachments": "# + attachments + "}").utf8), files: files).1
    }

    static let refusals: [(String, String, String)] = [
        (#"{"name": "a"}"#, "build.invalid_json", "'attachments' must be an array"),
        (#"[7]"#, "build.invalid_json", "'attachments[0]' must be an object"),
        (#"[{"name": "a.pdf", "content": "AAAA", "size": 3}]"#, "build.invalid_json",
         "'attachments[0].size' is not part of an attachment (file, name, contentType, description, content)"),
        (#"[{"name": 1, "content": "AAAA"}]"#, "build.invalid_json", "'attachments[0].name' must be a string"),
        (#"[{"content": "AAAA"}]"#, "build.invalid_json", "'attachments[0].name' is required with 'content'"),
        (#"[{"name": "a.pdf", "content": "%%%"}]"#, "build.attachment_not_base64", "'attachments[0].content' is not base64"),
        (#"[{"name": "a.pdf"}]"#, "build.invalid_json",
         "'attachments[0]' needs 'content' (the file, base64) or, in a multipart request, 'file' naming a part"),
        (#"[{"file": "/etc/passwd"}]"#, "build.attachment_path_refused",
         "'attachments[0].file' names a path; the gateway reads no files for a unit: send the bytes base64 in 'content', or send multipart/form-data with a part named '/etc/passwd'"),
    ]

    @Test(arguments: refusals)
    func refusalsNameTheEntry(_ attachments: String, _ reason: String, _ explanation: String) {
        #expect {
            try decode(attachments: attachments)
        } throws: { error in
            (error as? Refusal) == Refusal(reason, explanation)
        }
    }

    @Test func entriesDescribePartsAndUndescribedPartsFollow() throws {
        let parts = [
            MultipartPart(name: "scan", fileName: "scan.pdf", contentType: "application/pdf", body: ArraySlice("PDF".utf8)),
            MultipartPart(name: "extra", fileName: "phu-luc.txt", contentType: nil, body: ArraySlice("TXT".utf8)),
        ]
        let attachments = try decode(attachments: #"[{"name": "b.txt", "content": "QUJD", "description": null}, {"file": "scan.pdf", "name": "Bản scan", "description": "tệp quét"}]"#,
                                     files: parts)
        #expect(attachments.map(\.name) == ["b.txt", "Bản scan", "phu-luc.txt"])
        #expect(attachments.map(\.bytes) == [Data("ABC".utf8), Data("PDF".utf8), Data("TXT".utf8)])
        #expect(attachments.map(\.description) == [nil, "tệp quét", nil])
        #expect(attachments.map(\.contentType) == ["text/plain", "application/pdf", "text/plain"])
        #expect {
            try decode(attachments: #"[{"file": "missing.pdf"}]"#, files: parts)
        } throws: { error in
            (error as? Refusal) == Refusal("build.attachment_part_missing", "'attachments[0].file' names 'missing.pdf', which no part of the request is")
        }
        #expect(try decode(attachments: "null").isEmpty)
    }
}
