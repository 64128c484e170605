import Foundation
import JSONText
import Testing
@testable import EdXML

/// The unit's JSON is read by hand from `JSONParser`'s value (`OutboundDocument(json:)`), not by
/// the synthesized `Decodable`: for every input both must agree, on the value or on the place a
/// refusal names and what it says is wrong there.
@Suite struct OutboundDocumentJSONTests {
    static let full = """
    {"from": {"organId": "000.00.00.H41", "organizationInCharge": "UBND", "organName": "UBND Tỉnh Nghệ An", "organAdd": "Vinh",
              "email": "a@b.vn", "telephone": "0238", "fax": "0239", "website": "https://nghean.gov.vn"},
     "to": [{"organId": "000.00.00.G22"}, {"organId": "000.00.00.H14", "organName": "Sở \\"A\\" & <B>"}],
     "documentId": "000.00.00.H41,2015/09/30,7816/VPCP-TTĐT",
     "code": {"number": "7816", "notation": "VPCP-TTĐT"},
     "promulgation": {"place": "Vinh", "date": "2015/09/30"},
     "type": {"type": 1, "detail": 2, "name": "Công văn"},
     "subject": "V/v kết nối, liên thông", "content": "Nội dung\\r\\nhai dòng\\t🇻🇳",
     "signer": {"competence": "KT. CHỦ TỊCH", "position": "Phó Chủ tịch", "fullName": "Nguyễn Văn A"},
     "dueDate": "2015/10/30", "priority": 2, "places": ["Hà Nội", "Vinh"],
     "otherInfo": {"sphereOfPromulgation": "Liên thông", "typerNotation": "TVC", "promulgationAmount": 3, "pageAmount": 1.0,
                   "direction": true, "appendixes": ["Phụ lục 1"]},
     "steeringType": 1e0,
     "responseFor": [{"organId": "000.00.00.G22", "code": "1/A", "promulgationDate": "2015/09/01", "documentId": "x"}],
     "business": {"type": "replace", "documentId": "y", "reason": "sai", "paper": false, "documentInfoChanged": true,
                  "receiversChanged": false, "receivers": [{"organId": "000.00.00.G22", "receiverType": 1}],
                  "replacements": [{"documentId": "z", "organIds": ["000.00.00.G22"]}],
                  "staff": {"department": "VP", "staff": "B", "mobile": "09", "email": "c@d.vn"}},
     "attachments": [{"file": "a.pdf", "name": "A", "contentType": "application/pdf", "description": null}]}
    """

    static let minimal = """
    {"from": {"organId": "000.00.00.H41"}, "to": [{"organId": "000.00.00.G22"}],
     "code": {"number": "7816", "notation": "VPCP-TTĐT"}, "subject": "V/v"}
    """

    /// Each field given a value of every other JSON type, a null, or taken away.
    static var variants: [String] {
        var inputs = [full, minimal]
        let replacements: [(String, [String])] = [
            ("\"organId\": \"000.00.00.H41\"", ["\"organId\": 7", "\"organId\": null", "\"organId\": true", "\"organId\": [\"x\"]"]),
            ("\"to\": [{\"organId\": \"000.00.00.G22\"}", ["\"to\": [7", "\"to\": [null", "\"to\": {\"organId\": \"x\"}, \"x\": [{\"a\": 1}"]),
            ("\"subject\": \"V/v\"", ["\"subject\": 1", "\"subject\": null", "\"subjec\": \"V/v\"", "\"subject\": {}"]),
            ("\"code\": {\"number\": \"7816\", ", ["\"code\": {\"number\": 7816, ", "\"code\": {", "\"code\": {\"number\": null, "]),
            ("\"type\": 1,", ["\"type\": 1.5,", "\"type\": true,", "\"type\": \"1\",", "\"type\": null,", "\"type\": 1e2,",
                              "\"type\": 12345678901234567890,", "\"type\": -3,"]),
            ("\"priority\": 2", ["\"priority\": 2.0", "\"priority\": 2.5", "\"priority\": false", "\"priority\": null"]),
            ("\"direction\": true", ["\"direction\": 1", "\"direction\": \"true\"", "\"direction\": null", "\"direction\": 1.0"]),
            ("\"paper\": false", ["\"paper\": 0", "\"paper\": [false]"]),
            ("\"places\": [\"Hà Nội\", \"Vinh\"]", ["\"places\": [\"Hà Nội\", 3]", "\"places\": [null]", "\"places\": \"Vinh\"", "\"places\": []"]),
            ("\"organIds\": [\"000.00.00.G22\"]", ["\"organIds\": [[\"x\"]]", "\"organIds\": null"]),
        ]
        for (target, values) in replacements {
            for value in values {
                if full.contains(target) { inputs.append(full.replacingOccurrences(of: target, with: value)) }
                if minimal.contains(target) { inputs.append(minimal.replacingOccurrences(of: target, with: value)) }
            }
        }
        return inputs
    }

    /// What a `DecodingError` says, in the terms of `JSONShapeError`.
    static func shapeError(_ error: any Error) -> JSONShapeError? {
        func path(_ context: DecodingError.Context, _ last: (any CodingKey)? = nil) -> String {
            let keys = context.codingPath + (last.map { [$0] } ?? [])
            let text = keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.hasPrefix(".") ? String(text.dropFirst()) : text
        }
        func expected(_ type: Any.Type) -> String {
            if type == String.self { return "a string" }
            if type == Int.self { return "a whole number" }
            if type == Bool.self { return "true or false" }
            return String(describing: type).hasPrefix("Array<") ? "an array" : "an object"
        }
        switch error as? DecodingError {
        case .keyNotFound(let key, let context): return JSONShapeError(path: path(context, key), problem: .missing)
        case .valueNotFound(let type, let context), .typeMismatch(let type, let context):
            return JSONShapeError(path: path(context), problem: .wrongType(expected: expected(type)))
        default: return nil
        }
    }

    @Test(arguments: variants)
    func agreesWithTheSynthesizedDecodable(_ json: String) throws {
        let data = Data(json.utf8)
        let expected = Result { try JSONDecoder().decode(OutboundDocument.self, from: data) }
        let decoded = Result { () throws(JSONShapeError) in try OutboundDocument(json: try! JSONParser().parse(data)) }
        switch (expected, decoded) {
        case (.success(let a), .success(let b)):
            #expect(a == b)
        case (.failure(let a), .failure(let b)):
            if b.problem == .unknownKey {
                // JSONDecoder ignores keys it does not know; the reader names the first stranger.
                let path = b.path.split(separator: ".").last.map(String.init) ?? b.path
                #expect(["subjec", "x"].contains(path), "\(b)")
                return
            }
            if case .dataCorrupted = a as? DecodingError {
                // JSONDecoder calls a number that is not a whole one, or too large, where a whole
                // one is expected "not valid JSON" and names no place; the hand reader calls it the
                // wrong type at its place.
                #expect(b.problem == .wrongType(expected: "a whole number"), "\(b)")
                return
            }
            #expect(Self.shapeError(a) == b, "JSONDecoder: \(a)")
        case (.success, .failure(let b)):
            if b.problem == .unknownKey, ["subjec", "x"].contains(b.path) { return }
            Issue.record("JSONDecoder read it, the hand reader refused: \(b)")
        case (.failure(let a), .success):
            Issue.record("JSONDecoder refused (\(a)), the hand reader read it")
        }
    }

    @Test func aNumberThatIsNotWholeIsRefusedAtItsPlace() throws {
        let json = Self.minimal.replacingOccurrences(of: "\"subject\": \"V/v\"", with: "\"subject\": \"V/v\", \"priority\": 2.5")
        #expect {
            try DocumentBuilder.decode(json: Data(json.utf8))
        } throws: { error in
            guard let refusal = error as? Refusal else { return false }
            return refusal.reasonCode == "build.invalid_json" && refusal.explanation.contains("'priority' must be a whole number")
        }
    }

    @Test func anUnknownKeyIsNamedWithItsPlace() throws {
        let json = Self.minimal.replacingOccurrences(of: "{\"organId\": \"000.00.00.G22\"}", with: "{\"organId\": \"000.00.00.G22\", \"organid\": 1}")
        #expect {
            try DocumentBuilder.decode(json: Data(json.utf8))
        } throws: { error in
            (error as? Refusal)?.explanation.contains("a key 'to[0].organid' that is not part of the shape") == true
        }
    }

    @Test func booleansAndNumbersAreToldApart() throws {
        let mixed = try JSONParser().parse(Data(#"[true, 1, 1.0, 0, false]"#.utf8))
        #expect(throws: JSONShapeError.self) { try JSONRead<[Bool]>.array(of: .bool).read(mixed, "x") }
        #expect(throws: JSONShapeError.self) { try JSONRead<[Int]>.array(of: .int).read(mixed, "x") }
        let numbers = try JSONParser().parse(Data(#"[1, 1.0, 0, 1e2]"#.utf8))
        #expect(try JSONRead<[Int]>.array(of: .int).read(numbers, "x") == [1, 1, 0, 100])
        let booleans = try JSONParser().parse(Data(#"[true, false]"#.utf8))
        #expect(try JSONRead<[Bool]>.array(of: .bool).read(booleans, "x") == [true, false])
    }
}
