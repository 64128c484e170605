import Foundation

/// Writes indented XML text in pieces, handing full buffers to `sink` so a document with large
/// attachments never has to exist twice in memory. Names and text go straight into one byte
/// buffer: no intermediate `String` per tag. Given a `canonical` sink, it also writes the text's
/// exclusive canonical form there as it goes (`CanonicalEcho`).
final class XMLTextOutput {
    /// Tags and text, appended byte by byte where appending to `Data` costs more per call.
    private var buffer: [UInt8] = []
    /// What goes to `sink`: staged bytes moved in, and large base64 text appended directly, so
    /// a large attachment grows one `Data` as before instead of a second copy of it.
    private var output = Data()
    private let sink: (Data) throws -> Void
    private(set) var depth = 0
    private let flushThreshold: Int
    private static let stagingLimit = 16 << 10
    private let echo: CanonicalEcho?
    /// Bytes handed to `sink` so far.
    private var handedOn = 0
    /// Where a signature goes, when the writer marked it (`markSignaturePlace`).
    private(set) var signaturePlace: Int?

    /// `sink` gets the text in pieces of at least `flushThreshold` bytes, and the rest at `flush`.
    init(flushThreshold: Int = 1 << 20, canonical: ((UnsafeRawBufferPointer) -> Void)? = nil,
         sink: @escaping (Data) throws -> Void) {
        self.flushThreshold = flushThreshold
        self.sink = sink
        echo = canonical.map(CanonicalEcho.init)
        buffer.reserveCapacity(Self.stagingLimit)
    }

    /// Whether the canonical sink got the exact canonical form of everything written.
    var canonicalFormIsExact: Bool { echo?.isExact ?? false }

    /// The byte offset the next byte will have in the whole output.
    var position: Int { handedOn + output.count + buffer.count }

    func markSignaturePlace() { signaturePlace = position }

    /// The XML declaration, which has no canonical form.
    func declaration() throws {
        try append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
    }

    /// The line break after the root, outside the document's canonical form.
    func endOfFile() throws {
        try append("\n")
    }

    /// Character data (escaped) at the current position, no line break before it.
    func text(_ text: String) throws {
        try appendEscaped(text, quote: false)
        try flushIfFull()
    }

    private func append(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        try flushIfFull()
    }

    /// `bytes` in base64, in pieces of 3 × 2^16 bytes (pieces that are multiples of 3 concatenate
    /// to the base64 of the whole), so the output can be handed on between pieces.
    func base64(_ bytes: Data) throws {
        let piece = 3 << 16
        var start = bytes.startIndex
        while start < bytes.endIndex {
            let end = bytes.index(start, offsetBy: piece, limitedBy: bytes.endIndex) ?? bytes.endIndex
            moveStaged()
            let encoded = bytes[start..<end].base64EncodedData()
            output.append(encoded)
            if let echo { encoded.withUnsafeBytes(echo.verbatim) }
            try flushIfFull()
            start = end
        }
    }

    func flush() throws {
        moveStaged()
        echo?.flush()
        guard !output.isEmpty else { return }
        try sink(output)
        handedOn += output.count
        output.removeAll(keepingCapacity: true)
    }

    private func moveStaged() {
        guard !buffer.isEmpty else { return }
        buffer.withUnsafeBufferPointer { output.append($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    private func flushIfFull() throws {
        if buffer.count >= Self.stagingLimit { moveStaged() }
        if output.count >= flushThreshold { try flush() }
    }

    private func newLine() {
        let start = buffer.count
        buffer.append(UInt8(ascii: "\n"))
        for _ in 0..<(2 * depth) { buffer.append(UInt8(ascii: " ")) }
        echo?.whitespace(buffer[start...])
    }

    private func startTag(_ name: String, _ attributes: [(String, String)]) throws {
        newLine()
        echo?.startTag(name, attributes)
        buffer.append(UInt8(ascii: "<"))
        buffer.append(contentsOf: name.utf8)
        for (attribute, value) in attributes {
            buffer.append(UInt8(ascii: " "))
            buffer.append(contentsOf: attribute.utf8)
            buffer.append(contentsOf: [UInt8(ascii: "="), UInt8(ascii: "\"")])
            try appendEscaped(value, quote: true)
            buffer.append(UInt8(ascii: "\""))
        }
    }

    private func endTag(_ name: String) {
        echo?.endTag(name)
        buffer.append(contentsOf: [UInt8(ascii: "<"), UInt8(ascii: "/")])
        buffer.append(contentsOf: name.utf8)
        buffer.append(UInt8(ascii: ">"))
    }

    func open(_ name: String, attributes: [(String, String)] = []) throws {
        try startTag(name, attributes)
        buffer.append(UInt8(ascii: ">"))
        depth += 1
        try flushIfFull()
    }

    func close(_ name: String) throws {
        depth -= 1
        newLine()
        endTag(name)
        try flushIfFull()
    }

    /// `<name …></name>`: the canonical form of an empty element, so that a verifier can take the
    /// digest from the bytes as written (XMLDSig's `ReceivedBytesDigest`).
    func empty(_ name: String, attributes: [(String, String)] = []) throws {
        try startTag(name, attributes)
        buffer.append(UInt8(ascii: ">"))
        endTag(name)
        try flushIfFull()
    }

    /// `<name>text</name>`, nothing when `text` is nil, `<name></name>` when it is empty.
    func leaf(_ name: String, _ text: String?) throws {
        guard let text else { return }
        if text.isEmpty { return try empty(name) }
        try startTag(name, [])
        buffer.append(UInt8(ascii: ">"))
        try appendEscaped(text, quote: false)
        endTag(name)
        try flushIfFull()
    }

    /// An element started on a line of its own whose content follows with no line break
    /// (`ContentTransferEncoded`, whose text is the attachment).
    func openInline(_ name: String, attributes: [(String, String)] = []) throws {
        try startTag(name, attributes)
        buffer.append(UInt8(ascii: ">"))
        try flushIfFull()
    }

    func closeInline(_ name: String) throws {
        endTag(name)
        try flushIfFull()
    }

    /// An element kept as text from an earlier read, placed at the current indentation.
    func fragment(_ xml: String) throws {
        newLine()
        echo?.giveUp()
        try append(xml)
    }

    /// Text with nothing to escape (the usual field) is copied as it is; anything else goes
    /// through `escape`, which also refuses what XML cannot carry.
    private func appendEscaped(_ text: String, quote: Bool) throws {
        if Self.needsNoEscaping(text) {
            buffer.append(contentsOf: text.utf8)
            if !quote { echo?.text(text, plain: true) }
        } else {
            buffer.append(contentsOf: try Self.escape(text, quote: quote).utf8)
            if !quote { echo?.text(text, plain: false) }
        }
    }

    /// No markup character, no control character (tab and line breaks included, which some
    /// contexts escape) and no 0xEF lead byte (U+FFFE and U+FFFF start with it).
    private static func needsNoEscaping(_ text: String) -> Bool {
        func check(_ bytes: some Sequence<UInt8>) -> Bool {
            for byte in bytes {
                switch byte {
                case 0..<0x20, UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\""), 0xEF: return false
                default: continue
                }
            }
            return true
        }
        return text.utf8.withContiguousStorageIfAvailable(check) ?? check(text.utf8)
    }

    /// Escapes markup and the line-break characters a parser would otherwise normalise, as
    /// canonical XML writes them (so the text is its own canonical form), and refuses characters
    /// XML 1.0 cannot carry at all.
    private static func escape(_ text: String, quote: Bool) throws -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">" where !quote: out += "&gt;"
            case "\"" where quote: out += "&quot;"
            case "\r": out += "&#xD;"
            case "\n" where quote: out += "&#xA;"
            case "\t" where quote: out += "&#x9;"
            case "\t", "\n", ">": out.unicodeScalars.append(scalar)
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
