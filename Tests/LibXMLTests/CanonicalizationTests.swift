import LibXML
import Testing

@Suite("Canonicalisation")
struct CanonicalizationTests {
    @Test func exclusiveC14NDropsUnusedNamespacesAndSortsAttributes() throws {
        let document = try XMLDocument(parsing: Array("""
            <?xml version="1.0"?><r xmlns="urn:r" xmlns:u="urn:unused"><e b="2" a="1">x &amp; y</e><!--c--></r>
            """.utf8))
        let e = try #require(document.root?.child(named: "e"))
        let subtree = String(decoding: try document.canonicalized(subtree: e, method: .exclusive), as: UTF8.self)
        #expect(subtree == #"<e xmlns="urn:r" a="1" b="2">x &amp; y</e>"#)
        let whole = String(decoding: try document.canonicalized(method: .inclusive), as: UTF8.self)
        #expect(whole == #"<r xmlns="urn:r" xmlns:u="urn:unused"><e a="1" b="2">x &amp; y</e></r>"#)
        let withComments = String(decoding: try document.canonicalized(method: .inclusiveWithComments), as: UTF8.self)
        #expect(withComments.hasSuffix("<!--c--></r>"))
    }

    @Test func excludingASubtreeLeavesItOutEntirely() throws {
        let document = try XMLDocument(parsing: Array("<r><keep>1</keep><Signature><x>2</x></Signature></r>".utf8))
        let signature = try #require(document.root?.child(named: "Signature"))
        let bytes = try document.canonicalized(excluding: signature, method: .exclusive)
        #expect(String(decoding: bytes, as: UTF8.self) == "<r><keep>1</keep></r>")
    }

    @Test func streamingOutputEqualsTheWholeOutput() throws {
        let payload = String(repeating: "QUJD", count: 50_000)
        let document = try XMLDocument(parsing: Array("<r><a>\(payload)</a></r>".utf8))
        var pieces = 0
        var streamed: [UInt8] = []
        try document.canonicalize(method: .exclusive) { pieces += 1; streamed.append(contentsOf: $0) }
        #expect(pieces > 1)
        #expect(streamed == (try document.canonicalized(method: .exclusive)))
    }

    @Test func builtElementsSerialiseWithTheirNamespaces() throws {
        let document = XMLDocument(rootLocalName: "edXML", namespaceURI: "urn:q", prefix: nil)
        let root = try #require(document.root)
        let header = root.addChild(localName: "Header", namespaceURI: "urn:q", prefix: "edXML")
        let signature = root.insertChild(localName: "Signature", namespaceURI: "http://www.w3.org/2000/09/xmldsig#",
                                         after: header)
        signature.addChild(localName: "SignatureValue", namespaceURI: "http://www.w3.org/2000/09/xmldsig#", text: "a<b")
        signature.setAttribute("Id", "s1")
        let text = String(decoding: try document.canonicalized(method: .exclusive), as: UTF8.self)
        #expect(text == #"<edXML xmlns="urn:q"><edXML:Header xmlns:edXML="urn:q"></edXML:Header><Signature xmlns="http://www.w3.org/2000/09/xmldsig#" Id="s1"><SignatureValue>a&lt;b</SignatureValue></Signature></edXML>"#)
        signature.remove()
        #expect(root.children.map(\.localName) == ["Header"])
        #expect(signature.localName == "Signature")
    }
}
