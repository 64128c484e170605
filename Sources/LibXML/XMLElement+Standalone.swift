internal import CLibXML2

extension XMLElement {
    /// This element and its subtree as XML text that declares every namespace it uses, so the
    /// text stays the same element wherever it is pasted (a plain `serialized()` leaves out the
    /// declarations inherited from ancestors). libxml2 does the work: copying the node into a
    /// fresh document declares out-of-scope namespaces on the copy's top element.
    public func serializedStandalone() -> [UInt8] {
        guard let scratch = withXMLString("1.0", { xmlNewDoc($0) }) else { return serialized() }
        defer { xmlFreeDoc(scratch) }
        guard let copy = xmlDocCopyNode(node, scratch, 1) else { return serialized() }
        xmlDocSetRootElement(scratch, copy)
        guard let buffer = xmlBufferCreate() else { return [] }
        defer { xmlBufferFree(buffer) }
        xmlNodeDump(buffer, scratch, copy, 0, 0)
        guard let content = xmlBufferContent(buffer) else { return [] }
        return Array(UnsafeBufferPointer(start: content, count: Int(xmlBufferLength(buffer))))
    }
}
