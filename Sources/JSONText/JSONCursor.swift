/// The recursive descent behind `JSONParser`, over the bytes as given.
struct JSONCursor {
    let bytes: UnsafeBufferPointer<UInt8>
    let maximumDepth: Int
    let refusesRepeatedKeys: Bool
    var index = 0

    init(bytes: UnsafeBufferPointer<UInt8>, maximumDepth: Int, refusesRepeatedKeys: Bool) {
        self.bytes = bytes
        self.maximumDepth = maximumDepth
        self.refusesRepeatedKeys = refusesRepeatedKeys
    }

    var atEnd: Bool { index >= bytes.count }

    func error(_ reason: String) -> JSONParseError { JSONParseError(offset: index, reason: reason) }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    mutating func value(depth: Int) throws(JSONParseError) -> JSONValue {
        guard !atEnd else { throw error("the text ends where a value was expected") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw error("a value cannot start with \(Self.shown(bytes[index]))")
        }
    }

    private mutating func object(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth <= maximumDepth else { throw error("nested deeper than \(maximumDepth) levels") }
        index += 1
        var fields: [String: JSONValue] = [:]
        skipWhitespace()
        if consume(UInt8(ascii: "}")) { return .object(fields) }
        while true {
            skipWhitespace()
            let keyOffset = index
            guard !atEnd, bytes[index] == UInt8(ascii: "\"") else { throw error("an object key must be a string") }
            let key = try string()
            skipWhitespace()
            guard consume(UInt8(ascii: ":")) else { throw error("expected ':' after an object key") }
            skipWhitespace()
            let value = try value(depth: depth + 1)
            guard fields.updateValue(value, forKey: key) == nil || !refusesRepeatedKeys else {
                throw JSONParseError(offset: keyOffset, reason: "the key '\(key)' appears twice in one object")
            }
            skipWhitespace()
            if consume(UInt8(ascii: ",")) { continue }
            if consume(UInt8(ascii: "}")) { return .object(fields) }
            throw error(atEnd ? "the text ends inside an object" : "expected ',' or '}' in an object")
        }
    }

    private mutating func array(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth <= maximumDepth else { throw error("nested deeper than \(maximumDepth) levels") }
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if consume(UInt8(ascii: "]")) { return .array(elements) }
        while true {
            skipWhitespace()
            elements.append(try value(depth: depth + 1))
            skipWhitespace()
            if consume(UInt8(ascii: ",")) { continue }
            if consume(UInt8(ascii: "]")) { return .array(elements) }
            throw error(atEnd ? "the text ends inside an array" : "expected ',' or ']' in an array")
        }
    }

    /// A string from its opening quote. Text without escapes, the usual case, is validated and
    /// copied in one step.
    private mutating func string() throws(JSONParseError) -> String {
        let opening = index
        index += 1
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let text = try validated(start..<index, openedAt: opening)
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { return try escapedString(from: start, openedAt: opening) }
            if byte < 0x20 { throw error("a control character must be escaped in a string") }
            index += 1
        }
        throw JSONParseError(offset: opening, reason: "a string is not closed")
    }

    private mutating func escapedString(from start: Int, openedAt opening: Int) throws(JSONParseError) -> String {
        var decoded = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                guard let text = String(validating: decoded, as: UTF8.self) else {
                    throw JSONParseError(offset: opening, reason: "a string is not valid UTF-8")
                }
                return text
            case UInt8(ascii: "\\"):
                index += 1
                guard !atEnd else { break }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(escape)
                case UInt8(ascii: "b"): decoded.append(0x08)
                case UInt8(ascii: "f"): decoded.append(0x0C)
                case UInt8(ascii: "n"): decoded.append(0x0A)
                case UInt8(ascii: "r"): decoded.append(0x0D)
                case UInt8(ascii: "t"): decoded.append(0x09)
                case UInt8(ascii: "u"): decoded.append(contentsOf: String(try unicodeEscape()).utf8)
                default:
                    index -= 1
                    throw error("\\\(Self.shown(escape)) is not an escape in JSON")
                }
            case 0..<0x20:
                throw error("a control character must be escaped in a string")
            default:
                decoded.append(byte)
                index += 1
            }
        }
        throw JSONParseError(offset: opening, reason: "a string is not closed")
    }

    /// The scalar of a `\u` escape (the `u` already read), joining a surrogate pair.
    private mutating func unicodeEscape() throws(JSONParseError) -> Unicode.Scalar {
        let escapeStart = index - 2
        let first = try hexQuad()
        var value = UInt32(first)
        if (0xD800..<0xDC00).contains(first) {
            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                throw JSONParseError(offset: escapeStart, reason: "a high surrogate escape is not followed by a low one")
            }
            index += 2
            let second = try hexQuad()
            guard (0xDC00..<0xE000).contains(second) else {
                throw JSONParseError(offset: escapeStart, reason: "a high surrogate escape is not followed by a low one")
            }
            value = 0x10000 + ((UInt32(first) - 0xD800) << 10) + (UInt32(second) - 0xDC00)
        }
        guard let scalar = Unicode.Scalar(value) else {
            throw JSONParseError(offset: escapeStart, reason: "a lone low surrogate escape is not a character")
        }
        return scalar
    }

    private mutating func hexQuad() throws(JSONParseError) -> UInt16 {
        guard index + 4 <= bytes.count else { throw error("\\u needs four hexadecimal digits") }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("\\u needs four hexadecimal digits")
            }
            value = value << 4 | UInt16(digit)
            index += 1
        }
        return value
    }

    private func validated(_ range: Range<Int>, openedAt opening: Int) throws(JSONParseError) -> String {
        guard let text = String(validating: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) else {
            throw JSONParseError(offset: opening, reason: "a string is not valid UTF-8")
        }
        return text
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`: an `int` when it has no fraction or
    /// exponent and fits, else a `double`; one too large for a `Double` is refused.
    private mutating func number() throws(JSONParseError) -> JSONValue {
        let start = index
        _ = consume(UInt8(ascii: "-"))
        guard !atEnd, Self.isDigit(bytes[index]) else { throw error("a number needs a digit here") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if !atEnd, Self.isDigit(bytes[index]) { throw error("a number cannot start with 0") }
        } else {
            skipDigits()
        }
        var whole = true
        if consume(UInt8(ascii: ".")) {
            whole = false
            guard !atEnd, Self.isDigit(bytes[index]) else { throw error("a number needs a digit after '.'") }
            skipDigits()
        }
        if !atEnd, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            whole = false
            index += 1
            if !consume(UInt8(ascii: "+")) { _ = consume(UInt8(ascii: "-")) }
            guard !atEnd, Self.isDigit(bytes[index]) else { throw error("a number needs a digit in its exponent") }
            skipDigits()
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        if whole, let integer = Int(text) { return .int(integer) }
        guard let double = Double(text), double.isFinite else {
            throw JSONParseError(offset: start, reason: "the number \(text) is too large")
        }
        return .double(double)
    }

    private mutating func skipDigits() {
        while index < bytes.count, Self.isDigit(bytes[index]) { index += 1 }
    }

    private mutating func literal(_ word: StaticString) throws(JSONParseError) {
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        guard index + expected.count <= bytes.count,
              UnsafeBufferPointer(rebasing: bytes[index..<index + expected.count]).elementsEqual(expected) else {
            throw error("a value cannot start with \(Self.shown(bytes[index]))")
        }
        index += expected.count
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private static func shown(_ byte: UInt8) -> String {
        (0x21..<0x7F).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16, uppercase: true))"
    }
}
