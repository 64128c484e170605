/// An organisation identifier (mã định danh). Real traffic carries several forms, so the id is kept
/// as the exact text it arrived as; `form` says which known form it matches and `problem(strict:)`
/// says whether it is acceptable.
public struct OrganId: Hashable, Sendable, Codable, ExpressibleByStringLiteral, CustomStringConvertible {
    public let text: String

    public init(_ text: String) { self.text = text }
    public init(stringLiteral value: String) { self.init(value) }

    public init(from decoder: any Decoder) throws {
        text = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }

    public var description: String { text }

    /// The known shapes of an organisation id.
    public enum Form: String, Sendable, Codable {
        /// QCVN 102: `DDD.DD.DD.XDD`, 13 characters, read right to left (`000.00.00.G22`).
        case qcvn102
        /// QĐ 20/2020/QĐ-TTg: dot-separated, top level first, up to 35 characters (`H01.151.01`).
        case hierarchical
        /// Anything else (`01.02.G22`, `vxp.saas.01`, `null`): accepted with a warning unless strict.
        case unrecognised
    }

    public var form: Form {
        let trimmed = text.trimmingWhitespace
        if Self.matchesQCVN102(trimmed) { return .qcvn102 }
        if Self.matchesHierarchical(trimmed) { return .hierarchical }
        return .unrecognised
    }

    /// What is wrong with this id, or nil. An empty id is always a problem; an unrecognised form is
    /// one only in strict mode (the lenient check leaves it to a warning, see `isRecognised`).
    public func problem(strict: Bool) -> String? {
        let trimmed = text.trimmingWhitespace
        if trimmed.isEmpty { return "the organisation id is empty" }
        if trimmed != text { return "the organisation id '\(text)' has spaces around it" }
        if strict && form == .unrecognised {
            return "'\(text)' is neither the QCVN 102 form DDD.DD.DD.XDD nor the dotted form of QĐ 20/2020 (such as H01.151.01)"
        }
        return nil
    }

    public var isRecognised: Bool { form != .unrecognised }

    private static func matchesQCVN102(_ s: String) -> Bool {
        guard s.utf8.count == 13 else { return false }
        var s = s
        return s.withUTF8 { chars in
            for index in [0, 1, 2, 4, 5, 7, 8, 11, 12] where !chars[index].isASCIIDigit { return false }
            return chars[3] == UInt8(ascii: ".") && chars[6] == UInt8(ascii: ".") && chars[9] == UInt8(ascii: ".")
                && chars[10].isASCIIUppercaseLetter
        }
    }

    /// Top level first: a group letter A-K and two digits, then numeric levels of 2 or 3 digits.
    private static func matchesHierarchical(_ s: String) -> Bool {
        guard s.utf8.count <= 35 else { return false }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false).map { Array($0.utf8) }
        guard let top = parts.first, top.count == 3,
              (UInt8(ascii: "A")...UInt8(ascii: "K")).contains(top[0]),
              top[1].isASCIIDigit, top[2].isASCIIDigit else { return false }
        return parts.dropFirst().allSatisfy { (2...3).contains($0.count) && $0.allSatisfy(\.isASCIIDigit) }
    }
}

extension UInt8 {
    var isASCIIDigit: Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) }
    var isASCIIUppercaseLetter: Bool { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(self) }
    var isXMLSpace: Bool { self == UInt8(ascii: " ") || self == UInt8(ascii: "\t") || self == UInt8(ascii: "\n") || self == UInt8(ascii: "\r") }
}

extension String {
    /// The text without leading and trailing spaces, tabs and line breaks (XML whitespace).
    var trimmingWhitespace: String {
        // Usually there is nothing to trim: when neither end byte is white space, neither end
        // `Character` is (a Character equal to one of the four is that one byte).
        if let first = utf8.first, let last = utf8.last, !first.isXMLSpace, !last.isXMLSpace { return self }
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[start...end])
    }
}
