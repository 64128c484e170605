import LibXML

/// A prefix a sender forgot to declare (`<edXML:AttachmentEncoded>` outside the envelope that
/// binds `edXML`, in a real sample) leaves libxml2 with an element literally named
/// `edXML:AttachmentEncoded` in no namespace. Matching on the part after the colon reads it anyway.
/// Names are compared on libxml2's bytes; `lenientName` builds a `String` and is for messages.
extension XMLElement {
    var lenientName: String {
        let name = localName
        guard let colon = name.lastIndex(of: ":") else { return name }
        return String(name[name.index(after: colon)...])
    }

    func hasLenientName(_ name: String) -> Bool {
        isNamed(name, includingUndeclaredPrefix: true)
    }

    func lenientChildren(named name: String) -> [XMLElement] {
        children.filter { $0.hasLenientName(name) }
    }

    func lenientChild(named name: String) -> XMLElement? {
        children.first { $0.hasLenientName(name) }
    }
}
