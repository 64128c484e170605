import LibXML

/// Keeps the header's `Signature` whole and reads out the algorithms it names.
enum SignatureReading {
    static func read(_ element: XMLElement, keepingElement: Bool) -> EmbeddedSignature {
        var found = Algorithms()
        // Breadth first, as the first of each method is the one reported.
        var pending = element.children
        var index = 0
        while index < pending.count {
            found.note(pending[index])
            pending.append(contentsOf: pending[index].children)
            index += 1
        }
        return EmbeddedSignature(
            element: keepingElement ? OpaqueElement(reading: element, container: "edXMLHeader") : nil,
            inXMLDSigNamespace: element.namespaceURI == EdXMLNamespace.xmlDSig,
            canonicalizationMethod: found.canonicalizationMethod,
            signatureMethod: found.signatureMethod,
            digestMethods: found.digestMethods,
            transforms: found.transforms,
            hasCertificate: found.hasCertificate)
    }

    /// What one walk over the signature's elements collects.
    private struct Algorithms {
        var canonicalizationMethod: String?
        var signatureMethod: String?
        var digestMethods: [String] = []
        var transforms: [String] = []
        var hasCertificate = false
        private var metCanonicalizationMethod = false
        private var metSignatureMethod = false

        mutating func note(_ element: XMLElement) {
            if element.hasLenientName("DigestMethod") {
                if let algorithm = element.attribute("Algorithm") { digestMethods.append(algorithm) }
            } else if element.hasLenientName("Transform") {
                if let algorithm = element.attribute("Algorithm") { transforms.append(algorithm) }
            } else if element.hasLenientName("X509Certificate") {
                hasCertificate = true
            } else if !metCanonicalizationMethod && element.hasLenientName("CanonicalizationMethod") {
                metCanonicalizationMethod = true
                canonicalizationMethod = element.attribute("Algorithm")
            } else if !metSignatureMethod && element.hasLenientName("SignatureMethod") {
                metSignatureMethod = true
                signatureMethod = element.attribute("Algorithm")
            }
        }
    }
}
