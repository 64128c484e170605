import Foundation
@testable import JSONText
import Testing

@Suite("JSON read strictly: what a unit's document description may be, and what is refused")
struct JSONParserTests {
    func parse(_ text: String) throws(JSONParseError) -> JSONValue { try JSONParser().parse(Array(text.utf8)) }

    @Test("every kind of value, nested, with the whitespace JSON allows")
    func values() throws {
        let value = try parse(" \t\r\n{\"a\": [1, -2, 0, 3.5, -0.25, 1e3, 2E-2, true, false, null, \"\", {}, []], \"b\": {\"c\": \"d\"}}\n")
        #expect(value == .object([
            "a": .array([.int(1), .int(-2), .int(0), .double(3.5), .double(-0.25), .double(1000), .double(0.02),
                         .bool(true), .bool(false), .null, .string(""), .object([:]), .array([])]),
            "b": .object(["c": .string("d")]),
        ]))
    }

    @Test("strings: UTF-8 as written, every escape, and surrogate pairs joined")
    func strings() throws {
        #expect(try parse(#""Sở \"A\" & <B> – 🇻🇳""#) == .string("Sở \"A\" & <B> – 🇻🇳"))
        #expect(try parse(#""\"\\\/\b\f\n\r\t\u0041\u1EA1\uD83C\uDDFB""#) == .string("\"\\/\u{8}\u{C}\n\r\tAạ\u{1F1FB}"))
        #expect(try parse(#""tiếng \u0056iệt""#) == .string("tiếng Việt"))
        #expect(try parse("\"\\u0000\"") == .string("\u{0}"))
    }

    @Test("numbers: whole ones that fit are ints, the rest doubles")
    func numbers() throws {
        #expect(try parse("9223372036854775807") == .int(Int.max))
        #expect(try parse("-9223372036854775808") == .int(Int.min))
        #expect(try parse("9223372036854775808") == .double(9223372036854775808))
        #expect(try parse("-0") == .int(0))
        #expect(try parse("1.0") == .double(1))
        #expect(try parse("1e400".replacingOccurrences(of: "400", with: "2")) == .double(100))
    }

    @Test("a byte order mark before the text is skipped")
    func byteOrderMark() throws {
        #expect(try JSONParser().parse([0xEF, 0xBB, 0xBF] + Array("{\"a\": 1}".utf8)) == .object(["a": .int(1)]))
    }

    static let refused: [(String, String)] = [
        ("", "the text is empty"),
        ("   ", "the text is empty"),
        ("{\"a\": 1} x", "unexpected text after the value"),
        ("{\"a\": 1,}", "an object key must be a string"),
        ("[1, 2,]", "a value cannot start with ']'"),
        ("{'a': 1}", "an object key must be a string"),
        ("{\"a\" 1}", "expected ':' after an object key"),
        ("{\"a\": 1 \"b\": 2}", "expected ',' or '}' in an object"),
        ("{\"a\": 1", "the text ends inside an object"),
        ("[1 2]", "expected ',' or ']' in an array"),
        ("[1", "the text ends inside an array"),
        ("{\"a\": 1, \"a\": 2}", "the key 'a' appears twice in one object"),
        ("\"abc", "a string is not closed"),
        ("\"a\tb\"", "a control character must be escaped in a string"),
        ("\"a\\xb\"", "\\'x' is not an escape in JSON"),
        ("\"\\u12\"", "\\u needs four hexadecimal digits"),
        ("\"\\uD83C\"", "a high surrogate escape is not followed by a low one"),
        ("\"\\uD83C\\u0041\"", "a high surrogate escape is not followed by a low one"),
        ("\"\\uDC00\"", "a lone low surrogate escape is not a character"),
        ("01", "a number cannot start with 0"),
        ("-", "a number needs a digit here"),
        ("1.", "a number needs a digit after '.'"),
        (".5", "a value cannot start with '.'"),
        ("1e", "a number needs a digit in its exponent"),
        ("1e999", "the number 1e999 is too large"),
        ("NaN", "a value cannot start with 'N'"),
        ("Infinity", "a value cannot start with 'I'"),
        ("tru", "a value cannot start with 't'"),
        ("nul", "a value cannot start with 'n'"),
        ("/* c */ 1", "a value cannot start with '/'"),
    ]

    @Test("malformed text is refused with the reason and the place", arguments: refused)
    func refusals(_ text: String, _ reason: String) {
        #expect(throws: JSONParseError.self) { try parse(text) }
        do {
            _ = try parse(text)
        } catch {
            #expect(error.reason == reason, "\(text)")
            #expect(error.offset >= 0 && error.offset <= text.utf8.count, "\(text)")
        }
    }

    @Test("bytes that are not UTF-8 are refused inside strings, with or without escapes")
    func invalidUTF8() {
        for bytes: [UInt8] in [[0x22, 0xC3, 0x28, 0x22], [0x22, 0x5C, 0x6E, 0xFF, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22]] {
            #expect(throws: JSONParseError(offset: 0, reason: "a string is not valid UTF-8")) { try JSONParser().parse(bytes) }
        }
    }

    @Test("nesting deeper than the limit is refused, not followed down the stack")
    func depth() throws {
        let parser = JSONParser(maximumDepth: 8)
        #expect(try parser.parse(Array((String(repeating: "[", count: 8) + String(repeating: "]", count: 8)).utf8)) != .null)
        #expect(throws: JSONParseError(offset: 8, reason: "nested deeper than 8 levels")) {
            try parser.parse(Array((String(repeating: "[", count: 9) + String(repeating: "]", count: 9)).utf8))
        }
        let hostile = Array(String(repeating: "{\"a\":", count: 100_000).utf8)
        #expect(throws: JSONParseError.self) { try JSONParser().parse(hostile) }
    }

    @Test("what the writer writes reads back as the same value")
    func roundTripThroughTheWriter() throws {
        // Seeded, so a failure comes back on the next run.
        var generator = SplitMix64(seed: 23)
        func random(_ depth: Int) -> JSONValue {
            switch Int.random(in: 0..<(depth > 3 ? 5 : 7), using: &generator) {
            case 0: return .int(Int.random(in: Int.min...Int.max, using: &generator))
            case 1: return .double(Double.random(in: -1e12...1e12, using: &generator))
            case 2: return .bool(Bool.random(using: &generator))
            case 3: return .null
            case 4: return .string(String((0..<Int.random(in: 0..<12, using: &generator)).map { _ in
                "aZ9 \"\\/\n\t\u{1}ạệ🇻🇳\u{7F}".randomElement(using: &generator)! }))
            case 5: return .array((0..<Int.random(in: 0..<4, using: &generator)).map { _ in random(depth + 1) })
            default: return .object(Dictionary((0..<Int.random(in: 0..<4, using: &generator)).map { ("k\($0)", random(depth + 1)) },
                                               uniquingKeysWith: { a, _ in a }))
            }
        }
        for _ in 0..<300 {
            let value = random(0)
            let bytes = JSONBytes.encode(value)
            #expect(try JSONParser().parse(bytes) == value, "\(String(decoding: bytes, as: UTF8.self))")
        }
    }

    @Test("it reads what JSONSerialization reads, to the same values")
    func agreesWithJSONSerialization() throws {
        let text = #"{"from": {"organId": "000.00.00.H41"}, "to": [{"organId": "000.00.00.G22"}], "n": [0, -7, 2.5, 1e2], "t": true, "s": "V/v \u1EA1\n"}"#
        let ours = try parse(text)
        let theirs = try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? NSDictionary)
        #expect(ours == .object([
            "from": .object(["organId": "000.00.00.H41"]), "to": .array([.object(["organId": "000.00.00.G22"])]),
            "n": .array([.int(0), .int(-7), .double(2.5), .double(100)]), "t": .bool(true), "s": .string("V/v ạ\n"),
        ]))
        #expect((theirs["s"] as? String) == "V/v ạ\n")
    }
}

/// A small seeded generator (SplitMix64) for repeatable random values.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
