import LibCrypto
import LibXML

/// The document's digest taken from its bytes as received, before any canonicalisation: the
/// fast way to the same verdict when the sender wrote the canonical form byte for byte, as this
/// project's writer does.
///
/// Only what the transform and canonicalisation drop is taken out of the bytes: an XML
/// declaration (version 1.0, UTF-8) and white space outside the root element, the Signature
/// element (the enveloped-signature transform), and, for a method without comments, the
/// comments that end the TraceHeaderList (where a bus writes its hop on a signed envelope), each
/// cut only where the tree shows that very comment. If the rest hashes to the signed
/// DigestValue, the rest is, by the digest's collision resistance, the canonical text the signer
/// hashed, and it parses to what was signed; if not, the caller canonicalises with libxml2 as
/// always, which alone decides a refusal. SHA-1 is left to that path: the signer itself could
/// forge a collision there.
enum ReceivedBytesDigest {
    /// Nil when the bytes hold anything else outside the root, or the recorded offsets are
    /// missing; the digest otherwise (which may or may not match).
    static func compute(_ source: UnsafeRawBufferPointer, document: XMLDocument, layout: EnvelopeLayout,
                        signature: XMLElement, method: C14NMethod, algorithm: DigestAlgorithm) -> [UInt8]? {
        let bytes = source.assumingMemoryBound(to: UInt8.self)
        guard algorithm != .sha1,
              let rootStart = rootStart(in: bytes), let rootEnd = rootEnd(in: bytes, after: rootStart),
              let signatureStart = tagStart(before: document.startTagEndOffset(of: signature), in: bytes),
              let signatureEnd = document.endOffset(of: signature),
              rootStart < signatureStart, signatureStart < signatureEnd, signatureEnd <= rootEnd else { return nil }
        var cuts = [signatureStart..<signatureEnd]
        if method == .exclusive || method == .inclusive, let trace = layout.header.child(named: "TraceHeaderList"),
           let comments = trailingComments(of: trace, document: document, in: bytes) {
            cuts.append(comments)
        }
        cuts.sort { $0.lowerBound < $1.lowerBound }
        let digest = Digest(algorithm)
        var position = rootStart
        for cut in cuts {
            guard cut.lowerBound >= position, cut.upperBound <= rootEnd else { return nil }
            digest.update(raw: UnsafeRawBufferPointer(rebasing: source[position..<cut.lowerBound]))
            position = cut.upperBound
        }
        digest.update(raw: UnsafeRawBufferPointer(rebasing: source[position..<rootEnd]))
        return digest.finish()
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

    /// Where the root element's `<` is, when nothing but a plain XML declaration and white space
    /// comes before it: a declared encoding other than UTF-8 or a version other than 1.0 would
    /// make the same bytes mean other text.
    static func rootStart(in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var index = 0
        if bytes.count > 5, bytes.prefix(5).elementsEqual("<?xml".utf8), isSpace(bytes[5]) {
            // A plain declaration holds no other `?`, so the first one must close it. (Foundation's
            // firstRange(of:) here ran unspecialised: 0.7 % of the network's CPU in a profile.)
            guard let close = bytes[5...].firstIndex(of: UInt8(ascii: "?")), close + 1 < bytes.count,
                  bytes[close + 1] == UInt8(ascii: ">"), isPlainDeclaration(Array(bytes[5..<close])) else { return nil }
            index = close + 2
        }
        while index < bytes.count, isSpace(bytes[index]) { index += 1 }
        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "<"),
              bytes[index + 1] != UInt8(ascii: "?"), bytes[index + 1] != UInt8(ascii: "!") else { return nil }
        return index
    }

    /// Just past the root's end tag: the input's end without trailing white space, when that is a `>`.
    private static func rootEnd(in bytes: UnsafeBufferPointer<UInt8>, after start: Int) -> Int? {
        var end = bytes.count
        while end > start, isSpace(bytes[end - 1]) { end -= 1 }
        return end > start && bytes[end - 1] == UInt8(ascii: ">") ? end : nil
    }

    /// `version="1.0"`, then optionally `encoding="UTF-8"` (any case) and `standalone="yes|no"`,
    /// in that order, either quote, nothing else.
    static func isPlainDeclaration(_ text: [UInt8]) -> Bool {
        var pseudoAttributes: [(name: String, value: String)] = []
        var index = 0
        func skipSpace() -> Bool {
            let start = index
            while index < text.count, isSpace(text[index]) { index += 1 }
            return index > start
        }
        while true {
            let spaced = skipSpace()
            if index == text.count { break }
            guard spaced || pseudoAttributes.isEmpty && index == 0 else { return false }
            let nameStart = index
            while index < text.count, text[index] != UInt8(ascii: "="), !isSpace(text[index]) { index += 1 }
            let name = String(decoding: text[nameStart..<index], as: UTF8.self)
            _ = skipSpace()
            guard index < text.count, text[index] == UInt8(ascii: "=") else { return false }
            index += 1
            _ = skipSpace()
            guard index < text.count, text[index] == UInt8(ascii: "\"") || text[index] == UInt8(ascii: "'") else { return false }
            let quote = text[index]
            index += 1
            let valueStart = index
            while index < text.count, text[index] != quote { index += 1 }
            guard index < text.count else { return false }
            pseudoAttributes.append((name, String(decoding: text[valueStart..<index], as: UTF8.self)))
            index += 1
        }
        var expected = ["version", "encoding", "standalone"][...]
        for (name, value) in pseudoAttributes {
            while let next = expected.first, next != name { expected.removeFirst() }
            guard !expected.isEmpty else { return false }
            expected.removeFirst()
            switch name {
            case "version": guard value == "1.0" else { return false }
            case "encoding": guard value.lowercased() == "utf-8" else { return false }
            default: guard value == "yes" || value == "no" else { return false }
            }
        }
        return pseudoAttributes.first?.name == "version"
    }

    /// The `<` that opens the tag whose `>` (or `/>`) is at `tagEnd`: the last one before it.
    private static func tagStart(before tagEnd: Int?, in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let tagEnd, tagEnd <= bytes.count else { return nil }
        var index = tagEnd
        while index > 0 {
            index -= 1
            if bytes[index] == UInt8(ascii: "<") { return index }
        }
        return nil
    }

    /// The bytes of the comments that are the last children of `trace`, when the bytes before
    /// its end tag are exactly those comments as the tree holds them; nil when there are none.
    private static func trailingComments(of trace: XMLElement, document: XMLDocument,
                                         in bytes: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        guard let end = document.endOffset(of: trace), let endTag = tagStart(before: end - 1, in: bytes),
              endTag + 1 < bytes.count, bytes[endTag + 1] == UInt8(ascii: "/") else { return nil }
        var start = endTag
        for child in trace.childNodes.reversed() {
            guard case .comment(let content) = child else { break }
            let text = Array("<!--\(content)-->".utf8)
            guard start >= text.count, bytes[(start - text.count)..<start].elementsEqual(text) else { break }
            start -= text.count
        }
        return start < endTag ? start..<endTag : nil
    }
}
