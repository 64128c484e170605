import LibXML

/// The SignedInfo a signer writes, and its exclusive-C14N form produced directly: the profile
/// fixes every byte of it but the algorithm URIs and the digest value, so the signer need not run
/// the canonicaliser over the whole document a second time. A test checks that libxml2's
/// canonical form of the written element is byte for byte this one, for every signing method.
struct SignedInfoTemplate {
    let method: SignatureMethod
    let digestValue: String

    /// Exclusive C14N of the SignedInfo `build` writes, in its place in an edXML header.
    var canonical: [UInt8] { Array(text(declaringNamespace: true).utf8) }

    /// The SignedInfo as text inside a Signature that declares the XML-DSig namespace: the
    /// canonical form but for the namespace declaration it inherits.
    var inSignature: String { text(declaringNamespace: false) }

    private func text(declaringNamespace: Bool) -> String {
        let c14n = C14NMethod.exclusive.rawValue
        // Base64 and the algorithm URIs hold no character C14N escapes.
        return (declaringNamespace ? "<SignedInfo xmlns=\"\(DSig.namespace)\">" : "<SignedInfo>")
            + "<CanonicalizationMethod Algorithm=\"\(c14n)\"></CanonicalizationMethod>"
            + "<SignatureMethod Algorithm=\"\(method.rawValue)\"></SignatureMethod>"
            + "<Reference URI=\"\"><Transforms>"
            + "<Transform Algorithm=\"\(DSig.envelopedSignature)\"></Transform>"
            + "<Transform Algorithm=\"\(c14n)\"></Transform></Transforms>"
            + "<DigestMethod Algorithm=\"\(method.referenceDigest.rawValue)\"></DigestMethod>"
            + "<DigestValue>\(digestValue)</DigestValue></Reference></SignedInfo>"
    }

    /// Writes the SignedInfo element as the first child of `signature`.
    func build(in signature: XMLElement) {
        let ns = DSig.namespace
        let signedInfo = signature.addChild(localName: "SignedInfo", namespaceURI: ns)
        signedInfo.addChild(localName: "CanonicalizationMethod", namespaceURI: ns).setAttribute("Algorithm", C14NMethod.exclusive.rawValue)
        signedInfo.addChild(localName: "SignatureMethod", namespaceURI: ns).setAttribute("Algorithm", method.rawValue)
        let reference = signedInfo.addChild(localName: "Reference", namespaceURI: ns)
        reference.setAttribute("URI", "")
        let transforms = reference.addChild(localName: "Transforms", namespaceURI: ns)
        transforms.addChild(localName: "Transform", namespaceURI: ns).setAttribute("Algorithm", DSig.envelopedSignature)
        transforms.addChild(localName: "Transform", namespaceURI: ns).setAttribute("Algorithm", C14NMethod.exclusive.rawValue)
        reference.addChild(localName: "DigestMethod", namespaceURI: ns).setAttribute("Algorithm", method.referenceDigest.rawValue)
        reference.addChild(localName: "DigestValue", namespaceURI: ns, text: digestValue)
    }
}
