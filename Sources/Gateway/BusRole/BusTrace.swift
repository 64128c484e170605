import EdXML
import Foundation
import LibXML

/// The bus's hop in a routed envelope, spliced into the sender's bytes (never re-serialised, so
/// nothing the sender wrote changes). The profile's signature (`Reference URI=""`) covers the
/// whole document, TraceHeaderList included, so an element added to a signed envelope would
/// break the sender's signature, which every recipient checks. Hence:
/// - an unsigned envelope gets a real `TraceHeader` (OrganId, Timestamp) at the end of its
///   TraceHeaderList;
/// - a signed envelope gets the same hop as an XML comment at that place: a same-document
///   reference excludes comments from the digest (XML-DSig §4.4.3.3), so the signature stays
///   valid and a reader of the envelope still sees the hop.
/// The hop goes right before the end tag of TraceHeaderList that the parser itself read, so it
/// lands in that element's content and nowhere else. Where the parser could not say (input not
/// in UTF-8, an empty-element tag) the first `</…TraceHeaderList>` in the bytes is used and the
/// result parsed again and checked; an envelope where the hop cannot be placed (no
/// TraceHeaderList) travels unchanged.
struct BusTrace {
    let organId: String
    let limits: XMLParseLimits
    /// The OrganId as element text, and as comment text (where `--` may not appear): escaped
    /// once here, since every routed message carries it.
    private let organIdText: String
    private let organIdComment: String

    init(organId: String, limits: XMLParseLimits) {
        self.organId = organId
        self.limits = limits
        organIdText = Self.escaped(organId)
        organIdComment = organIdText.replacingOccurrences(of: "--", with: "- -")
    }

    enum Placement: Equatable {
        case element, comment, none
    }

    /// The envelope with the hop, and a tree whose signature verifies exactly as the returned
    /// bytes' would: the original's when the hop is a comment (excluded from the digest) or the
    /// envelope is unsigned, the spliced bytes parsed again on the fallback path.
    func append(to envelope: [UInt8], parsed: ParsedInput, signed: Bool,
                at date: Date) -> (bytes: [UInt8], document: XMLDocument, placement: Placement) {
        let original = parsed.document
        if let list = Self.traceList(original), let end = parsed.endOffset(ofTraceList: list),
           let start = Self.endTagStart(endingAt: end, in: envelope, prefix: list.prefix) {
            var spliced = envelope
            spliced.insert(contentsOf: insertion(prefix: list.prefix.map { "\($0):" } ?? "", signed: signed, at: date),
                           at: start)
            return (spliced, original, signed ? .comment : .element)
        }
        guard let (offset, prefix) = closingTraceList(in: envelope) else { return (envelope, original, .none) }
        var spliced = envelope
        spliced.insert(contentsOf: insertion(prefix: prefix, signed: signed, at: date), at: offset)
        guard let document = try? XMLDocument(parsing: spliced, limits: limits),
              placedCorrectly(document, original: original, signed: signed) else { return (envelope, original, .none) }
        return (spliced, document, signed ? .comment : .element)
    }

    private func insertion(prefix: String, signed: Bool, at date: Date) -> [UInt8] {
        let stamp = LocalDateTime(date, withTime: true).edXMLText
        let text = signed
            ? "<!--bus TraceHeader: OrganId=\(organIdComment) Timestamp=\(stamp)-->"
            : "<\(prefix)TraceHeader><\(prefix)OrganId>\(organIdText)</\(prefix)OrganId><\(prefix)Timestamp>\(stamp)</\(prefix)Timestamp></\(prefix)TraceHeader>"
        return Array(text.utf8)
    }

    /// Where the end tag `</prefix:TraceHeaderList >` that ends just before `end` starts, if
    /// the bytes there are exactly that (an empty-element tag or a wrong offset gives nil).
    static func endTagStart(endingAt end: Int, in bytes: [UInt8], prefix: String?) -> Int? {
        guard end >= 2, end <= bytes.count, bytes[end - 1] == UInt8(ascii: ">") else { return nil }
        var nameEnd = end - 1
        while nameEnd > 0, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[nameEnd - 1]) { nameEnd -= 1 }
        let tag = Array("</\(prefix.map { "\($0):" } ?? "")TraceHeaderList".utf8)
        let start = nameEnd - tag.count
        guard start >= 0, bytes[start..<nameEnd].elementsEqual(tag) else { return nil }
        return start
    }

    /// Where `</…TraceHeaderList>` starts, and the prefix it uses ("edXML:" or "").
    private func closingTraceList(in bytes: [UInt8]) -> (Int, String)? {
        let name = Array("TraceHeaderList>".utf8)
        var index = 0
        while let found = ByteSearch.find(name, in: bytes, from: index) {
            var start = found
            while start > 0, bytes[start - 1] != UInt8(ascii: "<"), bytes[start - 1] != UInt8(ascii: ">"),
                  found - start < 64 {
                start -= 1
            }
            if start >= 1, bytes[start - 1] == UInt8(ascii: "<"), bytes[start] == UInt8(ascii: "/") {
                let prefix = String(decoding: bytes[(start + 1)..<found], as: UTF8.self)
                if prefix.isEmpty || (prefix.hasSuffix(":") && !prefix.dropLast().contains(":")) {
                    return (start - 1, prefix)
                }
            }
            index = found + name.count
        }
        return nil
    }

    /// The splice must leave a well-formed envelope whose TraceHeaderList holds one more hop (or,
    /// signed, the same elements), so a `TraceHeaderList>` inside a comment or CDATA cannot
    /// make the bus write garbage.
    private func placedCorrectly(_ spliced: XMLDocument, original: XMLDocument, signed: Bool) -> Bool {
        guard let oldList = Self.traceList(original), let newList = Self.traceList(spliced) else { return false }
        let oldCount = oldList.children(named: "TraceHeader").count
        let newTraces = newList.children(named: "TraceHeader")
        if signed { return newTraces.count == oldCount }
        return newTraces.count == oldCount + 1 && newTraces.last?.child(named: "OrganId")?.text == organId
    }

    private static func traceList(_ document: XMLDocument) -> XMLElement? {
        document.root?.child(named: "edXMLEnvelope")?.child(named: "edXMLHeader")?.child(named: "TraceHeaderList")
    }

    private static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
