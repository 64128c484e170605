import Foundation
import LibXML

extension OpaqueElement {
    /// Keeps `element` as XML text that declares the namespaces it uses, except the edXML default
    /// namespace when it was only inherited: the writer always places fragments where that default
    /// is in scope, so an undeclared `<Signature>` is written back as `<Signature>`.
    init(reading element: XMLElement, container: String) {
        let declaresItself = element.namespaceDeclarations.contains { $0.prefix == nil && $0.uri == EdXMLNamespace.qcvn102 }
        let xml = declaresItself ? String(decoding: element.serializedStandalone(), as: UTF8.self)
                                 : Self.withoutInheritedDefault(element.serializedStandalone())
        self.init(container: container, localName: element.lenientName, namespaceURI: element.namespaceURI, xml: xml)
    }

    private static let inheritedDefault = " xmlns=\"\(EdXMLNamespace.qcvn102)\""

    /// `xml` without the edXML default namespace declaration in its start tag. A start tag of
    /// ASCII followed by an ASCII byte (every real one) is searched as bytes; anything else goes
    /// through the `String` search, whose `Character`s and Unicode equivalence could differ there.
    private static func withoutInheritedDefault(_ bytes: [UInt8]) -> String {
        if let end = bytes.firstIndex(of: UInt8(ascii: ">")), bytes[...end].allSatisfy({ $0 < 0x80 }),
           end + 1 == bytes.count || bytes[end + 1] < 0x80 {
            let needle = Array(inheritedDefault.utf8)
            guard needle.count <= end,
                  let start = (0...(end - needle.count)).first(where: { bytes[$0..<$0 + needle.count].elementsEqual(needle) }) else {
                return String(decoding: bytes, as: UTF8.self)
            }
            return String(decoding: bytes[..<start] + bytes[(start + needle.count)...], as: UTF8.self)
        }
        var xml = String(decoding: bytes, as: UTF8.self)
        if let end = xml.firstIndex(of: ">"), let range = xml.range(of: inheritedDefault, range: xml.startIndex..<end) {
            xml.removeSubrange(range)
        }
        return xml
    }
}
