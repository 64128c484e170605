internal import CLibXML2

/// Name tests on libxml2's bytes, without building a `String` per element: readers that look
/// fields up by name ask these for every child of every element they read.
extension XMLElement {
    /// Whether this element is named `localName`, or, when `includingUndeclaredPrefix`, `p:localName`
    /// for any `p` (libxml2 keeps that whole name for an element whose prefix has no declaration).
    /// With `includingUndeclaredPrefix`, a `localName` holding a colon matches nothing: the part of
    /// a name after its last colon never holds one.
    public func isNamed(_ localName: String, includingUndeclaredPrefix: Bool = false) -> Bool {
        Self.node(node, isNamed: localName, includingUndeclaredPrefix: includingUndeclaredPrefix)
    }

    /// Whether libxml2 kept a `prefix:` in this element's name because the prefix was not declared.
    public var hasUndeclaredPrefix: Bool {
        guard let name = node.pointee.name else { return false }
        var index = 0
        while name[index] != 0 {
            if name[index] == UInt8(ascii: ":") { return true }
            index += 1
        }
        return false
    }

    static func node(_ node: xmlNodePtr, isNamed localName: String, includingUndeclaredPrefix: Bool) -> Bool {
        var wanted = localName
        return wanted.withUTF8 { wanted in
            guard let name = node.pointee.name else { return wanted.isEmpty }
            return nameBytes(name, match: wanted, includingUndeclaredPrefix: includingUndeclaredPrefix)
        }
    }

    static func nameBytes(_ name: UnsafePointer<xmlChar>, match wanted: UnsafeBufferPointer<UInt8>, includingUndeclaredPrefix: Bool) -> Bool {
        // The common case first: the whole name, compared up to the first difference.
        var index = 0
        while index < wanted.count, name[index] != 0, name[index] == wanted[index] { index += 1 }
        if index == wanted.count && name[index] == 0 {
            return !includingUndeclaredPrefix || !wanted.contains(UInt8(ascii: ":"))
        }
        guard includingUndeclaredPrefix, !wanted.contains(UInt8(ascii: ":")) else { return false }
        let length = Int(xmlStrlen(name))
        guard length > wanted.count, name[length - wanted.count - 1] == UInt8(ascii: ":") else { return false }
        let suffix = name + (length - wanted.count)
        for offset in 0..<wanted.count where suffix[offset] != wanted[offset] { return false }
        return true
    }
}
