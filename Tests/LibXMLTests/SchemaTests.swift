import LibXML
import Testing

@Suite("XML Schema")
struct SchemaTests {
    let schema = """
        <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:t" xmlns="urn:t" elementFormDefault="qualified">
          <xs:element name="r"><xs:complexType><xs:sequence>
            <xs:element name="n" type="xs:int" maxOccurs="unbounded"/>
          </xs:sequence></xs:complexType></xs:element>
        </xs:schema>
        """

    @Test func findsEveryViolationWithItsLine() throws {
        let compiled = try XMLSchema(bytes: Array(schema.utf8))
        let good = try XMLDocument(parsing: Array(#"<r xmlns="urn:t"><n>1</n><n>2</n></r>"#.utf8))
        #expect(compiled.validate(good).isEmpty)
        let bad = try XMLDocument(parsing: Array("<r xmlns=\"urn:t\">\n<n>one</n>\n<x/></r>".utf8))
        let findings = compiled.validate(bad)
        #expect(findings.count == 2)
        #expect(findings.map(\.line) == [2, 3])
    }

    @Test func aBrokenSchemaIsAnError() {
        #expect(throws: SchemaError.self) { try XMLSchema(bytes: Array("<xs:schema xmlns:xs='x'/>".utf8)) }
    }
}
