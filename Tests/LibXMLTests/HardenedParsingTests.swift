import Foundation
import LibXML
import Testing

@Suite("Hardened parsing")
struct HardenedParsingTests {
    func parse(_ text: String, limits: XMLParseLimits = .default) throws(XMLError) -> XMLDocument {
        try XMLDocument(parsing: Array(text.utf8), limits: limits)
    }

    func kind(of text: String, limits: XMLParseLimits = .default) -> XMLError.Kind? {
        do { _ = try parse(text, limits: limits); return nil } catch { return error.kind }
    }

    @Test func readsElementsByLocalNameWhateverThePrefix() throws {
        let document = try parse("""
            <a:root xmlns:a="urn:a" xmlns="urn:d"><a:child>one</a:child><child>two</child></a:root>
            """)
        let root = try #require(document.root)
        #expect(root.localName == "root")
        #expect(root.namespaceURI == "urn:a")
        #expect(root.children(named: "child").map(\.text) == ["one", "two"])
        #expect(root.children(named: "child").map(\.namespaceURI) == ["urn:a", "urn:d"])
    }

    @Test func refusesADoctypeBeforeAnyEntityIsDeclared() {
        #expect(kind(of: "<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r>&x;</r>") == .doctypeForbidden)
        #expect(kind(of: "<!DOCTYPE r SYSTEM \"http://127.0.0.1:1/x.dtd\"><r/>") == .doctypeForbidden)
        let laughs = "<!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]><l>&b;</l>"
        #expect(kind(of: laughs) == .doctypeForbidden)
    }

    @Test func refusesAnUndeclaredEntity() {
        #expect(kind(of: "<r>&secret;</r>") == .malformed)
    }

    @Test func stopsDeepNestingAtTheLimit() {
        let deep = String(repeating: "<a>", count: 100_000) + String(repeating: "</a>", count: 100_000)
        #expect(kind(of: deep) == .tooDeep)
        let limits = XMLParseLimits(maxDepth: 3)
        #expect(kind(of: "<a><b><c/></b></a>", limits: limits) == nil)
        #expect(kind(of: "<a><b><c><d/></c></b></a>", limits: limits) == .tooDeep)
    }

    @Test func enforcesSizeTextAndAttributeLimits() {
        #expect(kind(of: "<r>12345</r>", limits: XMLParseLimits(maxBytes: 5)) == .tooLarge)
        #expect(kind(of: "<r>12345</r>", limits: XMLParseLimits(maxTextLength: 4)) == .textTooLong)
        #expect(kind(of: "<r>1234</r>", limits: XMLParseLimits(maxTextLength: 4)) == nil)
        #expect(kind(of: "<r a='1' b='2' c='3'/>", limits: XMLParseLimits(maxAttributesPerElement: 2)) == .tooManyAttributes)
    }

    @Test func refusesJunkTruncationAndBadEncoding() {
        #expect(kind(of: "") == .empty)
        #expect(kind(of: "<r><a></r>") == .malformed)
        #expect(kind(of: "<r><a>text") == .malformed)
        let invalidUTF8: [UInt8] = Array("<r>".utf8) + [0xC3, 0x28, 0xFF] + Array("</r>".utf8)
        #expect(throws: XMLError.self) { try XMLDocument(parsing: invalidUTF8) }
        let binary: [UInt8] = (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }
        #expect(throws: XMLError.self) { try XMLDocument(parsing: binary) }
    }

    @Test func textSkipsCommentsButKeepsEveryTextPiece() throws {
        let document = try parse("<r><p>Đà<!--x-->Nẵng</p></r>")
        #expect(document.root?.child(named: "p")?.text == "ĐàNẵng")
    }

    @Test func reportsLines() throws {
        let document = try parse("<r>\n<a/>\n\n<b/></r>")
        #expect(document.root?.child(named: "b")?.line == 4)
    }
}
