import LibXML

/// Keeps the header's `Signature` whole and reads out the algorithms it names.
enum SignatureReading {
    static func read(_ element: XMLElement) -> EmbeddedSignature {
        func algorithm(_ name: String) -> String? { element.lenientDescendants(named: name).first?.attribute("Algorithm") }
        let opaque = OpaqueElement(reading: element, container: "edXMLHeader")
        return EmbeddedSignature(
            element: opaque,
            inXMLDSigNamespace: element.namespaceURI == EdXMLNamespace.xmlDSig,
            canonicalizationMethod: algorithm("CanonicalizationMethod"),
            signatureMethod: algorithm("SignatureMethod"),
            digestMethods: element.lenientDescendants(named: "DigestMethod").compactMap { $0.attribute("Algorithm") },
            transforms: element.lenientDescendants(named: "Transform").compactMap { $0.attribute("Algorithm") },
            hasCertificate: !element.lenientDescendants(named: "X509Certificate").isEmpty)
    }
}
