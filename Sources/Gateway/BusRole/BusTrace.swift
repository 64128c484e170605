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
/// The result is parsed again and checked before it is used; an envelope where the hop cannot be
/// placed (no TraceHeaderList) travels unchanged.
struct BusTrace {
    let organId: String
    let limits: XMLParseLimits

    enum Placement: Equatable {
        case element, comment, none
    }

    /// The envelope with the hop, and its parsed tree (the original's when the hop could not be
    /// placed), so the caller verifies the bytes it will deliver without parsing them again.
    func append(to envelope: [UInt8], parsed original: XMLDocument, signed: Bool,
                at date: Date) -> (bytes: [UInt8], document: XMLDocument, placement: Placement) {
        guard let (offset, prefix) = closingTraceList(in: envelope) else { return (envelope, original, .none) }
        let stamp = LocalDateTime(date, withTime: true).edXMLText
        let id = Self.escaped(organId)
        let insertion = signed
            ? "<!--bus TraceHeader: OrganId=\(id.replacingOccurrences(of: "--", with: "- -")) Timestamp=\(stamp)-->"
            : "<\(prefix)TraceHeader><\(prefix)OrganId>\(id)</\(prefix)OrganId><\(prefix)Timestamp>\(stamp)</\(prefix)Timestamp></\(prefix)TraceHeader>"
        var spliced = envelope
        spliced.insert(contentsOf: Array(insertion.utf8), at: offset)
        guard let document = try? XMLDocument(parsing: spliced, limits: limits),
              placedCorrectly(document, original: original, signed: signed) else { return (envelope, original, .none) }
        return (spliced, document, signed ? .comment : .element)
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
