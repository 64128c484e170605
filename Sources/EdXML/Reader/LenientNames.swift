import LibXML

/// A prefix a sender forgot to declare (`<edXML:AttachmentEncoded>` outside the envelope that
/// binds `edXML`, in a real sample) leaves libxml2 with an element literally named
/// `edXML:AttachmentEncoded` in no namespace. Matching on the part after the colon reads it anyway.
extension XMLElement {
    var lenientName: String {
        let name = localName
        guard let colon = name.lastIndex(of: ":") else { return name }
        return String(name[name.index(after: colon)...])
    }

    var hasUndeclaredPrefix: Bool { localName.contains(":") }

    func lenientChildren(named name: String) -> [XMLElement] {
        children.filter { $0.lenientName == name }
    }

    func lenientChild(named name: String) -> XMLElement? {
        children.first { $0.lenientName == name }
    }

    func lenientDescendants(named name: String) -> [XMLElement] {
        var found: [XMLElement] = []
        var pending = children
        var index = 0
        while index < pending.count {
            let element = pending[index]
            if element.lenientName == name { found.append(element) }
            pending.append(contentsOf: element.children)
            index += 1
        }
        return found
    }
}
