import LibXML

/// Where an edXML envelope keeps its parts, located by local name (senders differ in prefixes),
/// and the shape checks that keep a signature-wrapping document from being read at all.
struct EnvelopeLayout {
    let root: XMLElement
    let envelope: XMLElement
    let header: XMLElement

    static func locate(in document: XMLDocument) throws -> EnvelopeLayout {
        guard let root = document.root, root.localName == "edXML" else {
            throw SignatureRefusal(.notAnEnvelope, "the document's root is not edXML")
        }
        let envelopes = root.children(named: "edXMLEnvelope")
        guard envelopes.count == 1, let envelope = envelopes.first else {
            throw envelopes.isEmpty
                ? SignatureRefusal(.notAnEnvelope, "the document has no edXMLEnvelope under its root")
                : SignatureRefusal(.wrapping, "the document holds \(envelopes.count) edXMLEnvelope elements; exactly one is allowed")
        }
        // A copy of the envelope or its header anywhere else is the shape of a wrapping attack:
        // one copy is signed, the other is what a careless reader would read.
        // Counted leniently: an element whose prefix is undeclared keeps the name `edXML:edXMLHeader`,
        // and a lenient reader would still take it for a header.
        let strayEnvelopes = root.countDescendants(named: "edXMLEnvelope") - 1
        let headers = envelope.children(named: "edXMLHeader")
        let strayHeaders = root.countDescendants(named: "edXMLHeader") - headers.count
        guard strayEnvelopes == 0, strayHeaders == 0, headers.count == 1, let header = headers.first else {
            throw headers.isEmpty
                ? SignatureRefusal(.notAnEnvelope, "the envelope has no edXMLHeader")
                : SignatureRefusal(.wrapping, "the document holds copies of edXMLEnvelope or edXMLHeader outside their place")
        }
        return EnvelopeLayout(root: root, envelope: envelope, header: header)
    }

    /// Every element named Signature in the document, in any namespace.
    var signatureElements: [XMLElement] {
        root.descendants(named: "Signature") + (root.localName == "Signature" ? [root] : [])
    }

    /// The one XML-DSig Signature, enforcing count, namespace and place.
    func theSignature() throws -> XMLElement {
        let all = signatureElements
        let dsig = all.filter { $0.namespaceURI == DSig.namespace }
        guard !dsig.isEmpty else {
            if let foreign = all.first(where: { $0.parent == header }) {
                throw SignatureRefusal(.wrongNamespace, "the Signature element (line \(foreign.line)) is in namespace "
                    + "\(foreign.namespaceURI ?? "none"), not the XML-DSig namespace \(DSig.namespace)")
            }
            throw SignatureRefusal(.missing, "the document carries no XML-DSig Signature")
        }
        guard dsig.count == 1, let signature = dsig.first else {
            let lines = dsig.map { String($0.line) }.joined(separator: ", ")
            throw SignatureRefusal(.multiple, "the document carries \(dsig.count) Signature elements (lines \(lines)); exactly one is allowed")
        }
        guard signature.parent == header else {
            let place = signature.parent.map { $0.localName } ?? "the document"
            throw SignatureRefusal(.misplaced, "the Signature (line \(signature.line)) sits in \(place); the profile allows it only in edXMLHeader")
        }
        return signature
    }

    /// The From/OrganId the envelope claims to come from (MessageHeader or a vendor's Status header).
    var senderOrganId: String? {
        let messageHeader = header.child(named: "MessageHeader") ?? header.child(named: "Status")
        let organId = messageHeader?.child(named: "From")?.child(named: "OrganId")?.text
        return organId?.trimmingWhitespace.nilIfEmpty
    }
}

extension String {
    var trimmingWhitespace: String {
        var scalars = Substring(self).unicodeScalars
        while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }

    var nilIfEmpty: String? { isEmpty ? nil : self }

    var isXMLWhitespace: Bool { utf8.allSatisfy { $0 == 0x20 || $0 == 0x0a || $0 == 0x09 || $0 == 0x0d } }
}
