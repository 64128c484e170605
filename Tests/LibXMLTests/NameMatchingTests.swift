import LibXML
import Testing

@Suite("Name matching on libxml2's bytes")
struct NameMatchingTests {
    /// `b:child` has an undeclared prefix, so libxml2 names it `b:child` in no namespace.
    let document = try! XMLDocument(parsing: Array("""
        <a:root xmlns:a="urn:a"><a:child>one</a:child><b:child>two</b:child><children/><chil/><x:y:child/><Đà/></a:root>
        """.utf8))

    var children: [XMLElement] { document.root?.children ?? [] }

    @Test func aDeclaredPrefixIsNotPartOfTheName() throws {
        let root = try #require(document.root)
        #expect(root.isNamed("root"))
        #expect(!root.isNamed("a:root"))
        #expect(!root.hasUndeclaredPrefix)
    }

    @Test func exactMatchingTakesTheNameAsLibxml2KeepsIt() {
        #expect(children.map { $0.isNamed("child") } == [true, false, false, false, false, false])
        #expect(children.map { $0.isNamed("b:child") } == [false, true, false, false, false, false])
        #expect(children.map { $0.isNamed("Đà") } == [false, false, false, false, false, true])
        #expect(children.map(\.hasUndeclaredPrefix) == [false, true, false, false, true, false])
    }

    @Test func undeclaredPrefixesAreSkippedWhenAsked() {
        #expect(children.map { $0.isNamed("child", includingUndeclaredPrefix: true) } == [true, true, false, false, true, false])
        // What follows the last colon never holds one.
        #expect(children.map { $0.isNamed("b:child", includingUndeclaredPrefix: true) } == [false, false, false, false, false, false])
        #expect(children.map { $0.isNamed("y:child", includingUndeclaredPrefix: true) } == [false, false, false, false, false, false])
        #expect(children.map { $0.isNamed("hild", includingUndeclaredPrefix: true) } == [false, false, false, false, false, false])
        #expect(children.map { $0.isNamed("", includingUndeclaredPrefix: true) } == [false, false, false, false, false, false])
    }

    @Test func textOfASingleTextNodeAndOfMixedContentAgree() throws {
        let document = try XMLDocument(parsing: Array("""
            <r><one>Đà Nẵng &amp; Huế</one><mixed>Đà<!--x-->Nẵng<![CDATA[ <b> ]]><i>!</i></mixed><empty/><blank></blank></r>
            """.utf8))
        let root = try #require(document.root)
        #expect(root.child(named: "one")?.text == "Đà Nẵng & Huế")
        #expect(root.child(named: "one")?.textBytes == Array("Đà Nẵng & Huế".utf8))
        #expect(root.child(named: "mixed")?.text == "ĐàNẵng <b> !")
        #expect(root.child(named: "mixed")?.textBytes == Array("ĐàNẵng <b> !".utf8))
        #expect(root.child(named: "empty")?.text == "")
        #expect(root.child(named: "blank")?.textBytes == [])
    }
}
