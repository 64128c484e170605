internal import CLibXML2

/// Building and changing a tree: what the writer of a signature or an envelope needs.
extension XMLElement {
    /// Appends a child element `localName` in `namespaceURI`. The namespace is reused when a
    /// declaration with the same URI and prefix is already in scope, else declared on the child.
    @discardableResult
    public func addChild(localName: String, namespaceURI: String?, prefix: String? = nil, text: String? = nil) -> XMLElement {
        let child = makeElement(localName: localName, namespaceURI: namespaceURI, prefix: prefix, text: text, parent: node)
        xmlAddChild(node, child)
        return XMLElement(document: document, node: child)
    }

    /// Inserts a new element right after `sibling` (a child of this element).
    @discardableResult
    public func insertChild(localName: String, namespaceURI: String?, prefix: String? = nil, text: String? = nil,
                            after sibling: XMLElement) -> XMLElement {
        let child = makeElement(localName: localName, namespaceURI: namespaceURI, prefix: prefix, text: text, parent: node)
        xmlAddNextSibling(sibling.node, child)
        return XMLElement(document: document, node: child)
    }

    /// Appends text (escaped on output; no entity is interpreted).
    public func appendText(_ text: String) {
        let textNode = text.withCString { chars in
            chars.withMemoryRebound(to: xmlChar.self, capacity: text.utf8.count) {
                xmlNewDocTextLen(document.pointer, $0, Int32(text.utf8.count))
            }
        }
        if let textNode { xmlAddChild(node, textNode) }
    }

    /// Appends a comment (for tests that probe canonicalisation, and for generated annotations).
    public func appendComment(_ text: String) {
        if let comment = withXMLString(text, { xmlNewDocComment(document.pointer, $0) }) { xmlAddChild(node, comment) }
    }

    /// Replaces all children with one text node.
    public func setText(_ text: String) {
        while let child = node.pointee.children {
            xmlUnlinkNode(child)
            xmlFreeNode(child)
        }
        appendText(text)
    }

    public func setAttribute(_ name: String, _ value: String) {
        withXMLString(name) { name in withXMLString(value) { _ = xmlSetProp(node, name, $0) } }
    }

    /// Declares `prefix` (nil: the default namespace) for `uri` on this element.
    public func declareNamespace(prefix: String?, uri: String) {
        withXMLString(uri) { uri in withOptionalXMLString(prefix) { _ = xmlNewNs(node, uri, $0) } }
    }

    /// Takes this element out of its tree. Its memory is kept until the document goes, so any
    /// view still naming it stays safe to read.
    public func remove() {
        xmlUnlinkNode(node)
        document.detached.append(node)
    }

    private func makeElement(localName: String, namespaceURI: String?, prefix: String?, text: String?,
                             parent: xmlNodePtr) -> xmlNodePtr {
        let child = withXMLString(localName) { xmlNewDocNode(document.pointer, nil, $0, nil)! }
        if let namespaceURI {
            let inScope = withXMLString(namespaceURI) { xmlSearchNsByHref(document.pointer, parent, $0) }
            let samePrefix = inScope.map { ns in
                ns.pointee.prefix.map(String.init(xml:)) == prefix
            } ?? false
            let namespace = samePrefix ? inScope
                : withXMLString(namespaceURI) { uri in withOptionalXMLString(prefix) { xmlNewNs(child, uri, $0) } }
            xmlSetNs(child, namespace)
        }
        if let text {
            let element = XMLElement(document: document, node: child)
            element.appendText(text)
        }
        return child
    }
}
