internal import CLibXML2

/// Counting elements without building views: cheap enough for every document a verifier sees.
extension XMLElement {
    /// How many elements below this one (not itself) are named `localName`, or, when
    /// `includingUndeclaredPrefix`, `prefix:localName` (libxml2 keeps that whole name for an
    /// element whose prefix has no declaration, and lenient readers still match it). At most
    /// `maxDepth` levels are searched.
    public func countDescendants(named localName: String, includingUndeclaredPrefix: Bool = true, maxDepth: Int = 256) -> Int {
        let wanted = Array(localName.utf8)
        func equalsWanted(_ bytes: UnsafePointer<xmlChar>) -> Bool {
            for index in wanted.indices where bytes[index] != wanted[index] { return false }
            return true
        }
        func matches(_ name: UnsafePointer<xmlChar>) -> Bool {
            let length = Int(xmlStrlen(name))
            if length == wanted.count { return equalsWanted(name) }
            guard includingUndeclaredPrefix, length > wanted.count, name[length - wanted.count - 1] == UInt8(ascii: ":") else { return false }
            return equalsWanted(name + (length - wanted.count))
        }
        func walk(_ parent: xmlNodePtr, depth: Int) -> Int {
            guard depth < maxDepth else { return 0 }
            var found = 0
            var child = parent.pointee.children
            while let current = child {
                if current.pointee.type == XML_ELEMENT_NODE {
                    if let name = current.pointee.name, matches(name) { found += 1 }
                    found += walk(current, depth: depth + 1)
                }
                child = current.pointee.next
            }
            return found
        }
        return walk(node, depth: 0)
    }
}
