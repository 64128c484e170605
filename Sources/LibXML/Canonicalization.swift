internal import CLibXML2

/// The canonicalisation methods of XML-DSig, by their algorithm URIs.
public enum C14NMethod: String, Sendable, CaseIterable {
    case inclusive = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
    case inclusiveWithComments = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments"
    case exclusive = "http://www.w3.org/2001/10/xml-exc-c14n#"
    case exclusiveWithComments = "http://www.w3.org/2001/10/xml-exc-c14n#WithComments"

    var mode: Int32 {
        switch self {
        case .inclusive, .inclusiveWithComments: Int32(XML_C14N_1_0.rawValue)
        case .exclusive, .exclusiveWithComments: Int32(XML_C14N_EXCLUSIVE_1_0.rawValue)
        }
    }

    var withComments: Int32 {
        switch self {
        case .inclusiveWithComments, .exclusiveWithComments: 1
        case .inclusive, .exclusive: 0
        }
    }
}

public struct CanonicalizationError: Error, Sendable, CustomStringConvertible {
    public let description: String
}

extension XMLDocument {
    /// Canonicalises the whole document, or only `subtree`, leaving out `excluding` and all below it
    /// (the enveloped-signature transform), and hands the output to `sink` in pieces, so a digest
    /// can consume a large document without the canonical bytes ever being held whole.
    public func canonicalize(subtree: XMLElement? = nil, excluding: XMLElement? = nil,
                             method: C14NMethod = .exclusive, inclusivePrefixes: [String] = [],
                             into sink: (UnsafeRawBufferPointer) -> Void) throws(CanonicalizationError) {
        try withoutActuallyEscaping(sink) { sink throws(CanonicalizationError) in
            let context = C14NContext(subtree: subtree?.node, excluding: excluding?.node, sink: sink)
            let status: Int32 = withExtendedLifetime(context) {
                let opaque = Unmanaged.passUnretained(context).toOpaque()
                guard let output = xmlOutputBufferCreateIO({ context, bytes, length in
                    guard let context, let bytes, length > 0 else { return 0 }
                    let c14n = Unmanaged<C14NContext>.fromOpaque(context).takeUnretainedValue()
                    c14n.sink(UnsafeRawBufferPointer(start: bytes, count: Int(length)))
                    return length
                }, nil, opaque, nil) else { return -1 }
                let visibility: xmlC14NIsVisibleCallback? = (subtree == nil && excluding == nil) ? nil : { context, node, parent in
                    Unmanaged<C14NContext>.fromOpaque(context!).takeUnretainedValue().isVisible(node, parent) ? 1 : 0
                }
                let result = withPrefixList(inclusivePrefixes) { prefixes in
                    xmlC14NExecute(pointer, visibility, opaque, method.mode, prefixes, method.withComments, output)
                }
                let closed = xmlOutputBufferClose(output)
                return result < 0 || closed < 0 ? -1 : 0
            }
            if status < 0 { throw CanonicalizationError(description: "libxml2 could not canonicalise the document") }
        }
    }

    /// The canonical form as one byte array (for small inputs such as `SignedInfo`).
    public func canonicalized(subtree: XMLElement? = nil, excluding: XMLElement? = nil,
                              method: C14NMethod = .exclusive, inclusivePrefixes: [String] = []) throws(CanonicalizationError) -> [UInt8] {
        var bytes: [UInt8] = []
        try canonicalize(subtree: subtree, excluding: excluding, method: method, inclusivePrefixes: inclusivePrefixes) {
            bytes.append(contentsOf: $0)
        }
        return bytes
    }
}

/// What the visibility callback needs: the subtree to keep and the subtree to leave out.
private final class C14NContext {
    let subtree: xmlNodePtr?
    let excluding: xmlNodePtr?
    let sink: (UnsafeRawBufferPointer) -> Void

    init(subtree: xmlNodePtr?, excluding: xmlNodePtr?, sink: @escaping (UnsafeRawBufferPointer) -> Void) {
        self.subtree = subtree
        self.excluding = excluding
        self.sink = sink
    }

    /// libxml2 asks about every node, attribute and namespace node; the latter two are decided by
    /// the element they belong to (`parent`).
    func isVisible(_ node: xmlNodePtr?, _ parent: xmlNodePtr?) -> Bool {
        guard let node else { return false }
        let type = node.pointee.type
        let element = (type == XML_NAMESPACE_DECL || type == XML_ATTRIBUTE_NODE) ? parent : node
        guard let element else { return subtree == nil }
        if let excluding, Self.isWithin(element, excluding) { return false }
        if let subtree { return Self.isWithin(element, subtree) }
        return true
    }

    private static func isWithin(_ node: xmlNodePtr, _ ancestor: xmlNodePtr) -> Bool {
        var current: xmlNodePtr? = node
        while let candidate = current {
            if candidate == ancestor { return true }
            current = candidate.pointee.parent
        }
        return false
    }
}

private func withPrefixList<R>(_ prefixes: [String], _ body: (UnsafeMutablePointer<UnsafeMutablePointer<xmlChar>?>?) -> R) -> R {
    guard !prefixes.isEmpty else { return body(nil) }
    var pointers: [UnsafeMutablePointer<xmlChar>?] = prefixes.map { xmlCharStrdup($0) }
    pointers.append(nil)
    defer { for pointer in pointers { if let pointer { lt_xmlFree(pointer) } } }
    return pointers.withUnsafeMutableBufferPointer { body($0.baseAddress) }
}
