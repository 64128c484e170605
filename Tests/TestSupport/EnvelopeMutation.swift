import Foundation

/// One random damage to an envelope, named for the failure message: what a broken sender or a
/// hostile one sends. Seeded, so a failure repeats.
public enum EnvelopeMutation {
    /// What a damaged envelope may contain that a well-formed one does not.
    public static let snippets: [[UInt8]] = [
        "<", ">", "&", "&amp;", "&#0;", "&#xD800;", "&undefined;", "]]>", "<![CDATA[", "<!--", "-->",
        "<!DOCTYPE edXML [<!ENTITY e \"x\">]>", "<?xml version=\"1.0\"?>", "xmlns:edXML=\"urn:other\"",
        "<edXML:To><edXML:OrganId></edXML:OrganId></edXML:To>", "<edXML:OrganId>000.00.00.G22</edXML:OrganId>",
        "<edXML:Signature/>", "<edXML:ResponseFor/>", String(repeating: "9", count: 400), "\u{FEFF}", "đã nhận",
    ].map { Array($0.utf8) } + [[0x00], [0xFF, 0xFE], [0xC3], [0xE2, 0x80], [0xF4, 0x90, 0x80, 0x80]]

    public static func apply(to bytes: [UInt8], using random: inout SeededGenerator) -> ([UInt8], String) {
        var result = bytes
        let at = Int.random(in: 0..<result.count, using: &random)
        switch Int.random(in: 0..<7, using: &random) {
        case 0:
            let count = Int.random(in: 1...4, using: &random)
            for _ in 0..<count {
                let index = Int.random(in: 0..<result.count, using: &random)
                result[index] ^= UInt8.random(in: 1...255, using: &random)
            }
            return (result, "\(count) bytes flipped from \(at)")
        case 1:
            let length = min(Int.random(in: 1...64, using: &random), result.count - at)
            result.removeSubrange(at..<(at + length))
            return (result, "\(length) bytes removed at \(at)")
        case 2:
            let length = min(Int.random(in: 1...256, using: &random), result.count - at)
            result.insert(contentsOf: result[at..<(at + length)], at: at)
            return (result, "\(length) bytes repeated at \(at)")
        case 3:
            let snippet = snippets[Int.random(in: 0..<snippets.count, using: &random)]
            result.insert(contentsOf: snippet, at: at)
            return (result, "\(String(decoding: snippet.prefix(40), as: UTF8.self).debugDescription) inserted at \(at)")
        case 4:
            result.removeSubrange(at...)
            return (result, "cut at \(at)")
        case 5:
            // The text of one element replaced: what a sender's own bug would do.
            guard let start = result[at...].firstIndex(of: UInt8(ascii: ">")),
                  let end = result[(start + 1)...].firstIndex(of: UInt8(ascii: "<")) else { return (result, "unchanged") }
            let junk = (0..<Int.random(in: 0...40, using: &random)).map { _ in UInt8.random(in: 0x20...0x7E, using: &random) }
                .filter { $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: "&") }
            result.replaceSubrange((start + 1)..<end, with: junk)
            return (result, "text at \(start + 1) replaced by \(String(decoding: junk, as: UTF8.self).debugDescription)")
        default:
            // An element's start tag renamed: the tree keeps its shape, a field goes missing.
            guard let open = result[at...].firstIndex(of: UInt8(ascii: "<")), open + 2 < result.count,
                  result[open + 1] != UInt8(ascii: "/"), result[open + 1] != UInt8(ascii: "?"), result[open + 1] != UInt8(ascii: "!")
            else { return (result, "unchanged") }
            result.insert(contentsOf: Array("x".utf8), at: open + 1)
            return (result, "element at \(open) renamed")
        }
    }
}
