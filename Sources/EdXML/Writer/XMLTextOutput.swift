import Foundation

/// Writes indented XML text in pieces, handing full buffers to `sink` so a document with large
/// attachments never has to exist twice in memory.
final class XMLTextOutput {
    private var buffer = Data()
    private let sink: (Data) throws -> Void
    private(set) var depth = 0
    private static let flushThreshold = 1 << 20

    init(sink: @escaping (Data) throws -> Void) {
        self.sink = sink
    }

    func raw(_ text: String) throws {
        buffer.append(contentsOf: Array(text.utf8))
        if buffer.count >= Self.flushThreshold { try flush() }
    }

    func flush() throws {
        guard !buffer.isEmpty else { return }
        try sink(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    private func newLine() throws { try raw("\n" + String(repeating: "  ", count: depth)) }

    func open(_ name: String, attributes: [(String, String)] = []) throws {
        try newLine()
        try raw("<\(name)\(try Self.attributeText(attributes))>")
        depth += 1
    }

    func close(_ name: String) throws {
        depth -= 1
        try newLine()
        try raw("</\(name)>")
    }

    func empty(_ name: String, attributes: [(String, String)] = []) throws {
        try newLine()
        try raw("<\(name)\(try Self.attributeText(attributes)) />")
    }

    /// `<name>text</name>`, nothing when `text` is nil, `<name />` when it is empty.
    func leaf(_ name: String, _ text: String?) throws {
        guard let text else { return }
        if text.isEmpty { return try empty(name) }
        try newLine()
        try raw("<\(name)>\(try Self.escapeText(text))</\(name)>")
    }

    /// An element kept as text from an earlier read, placed at the current indentation.
    func fragment(_ xml: String) throws {
        try newLine()
        try raw(xml)
    }

    private static func attributeText(_ attributes: [(String, String)]) throws -> String {
        var out = ""
        for (name, value) in attributes { out += " \(name)=\"\(try escapeAttribute(value))\"" }
        return out
    }

    static func escapeText(_ text: String) throws -> String {
        try escape(text, quote: false)
    }

    static func escapeAttribute(_ text: String) throws -> String {
        try escape(text, quote: true)
    }

    /// Escapes markup and the line-break characters a parser would otherwise normalise, and
    /// refuses characters XML 1.0 cannot carry at all.
    private static func escape(_ text: String, quote: Bool) throws -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where quote: out += "&quot;"
            case "\r": out += "&#13;"
            case "\n" where quote: out += "&#10;"
            case "\t" where quote: out += "&#9;"
            case "\t", "\n": out.unicodeScalars.append(scalar)
            default:
                let v = scalar.value
                if v < 0x20 || v == 0xFFFE || v == 0xFFFF {
                    throw Refusal("edxml.invalid_character",
                                  "the text holds the character U+\(String(v, radix: 16, uppercase: true)), which XML cannot carry")
                }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
