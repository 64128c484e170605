internal import CLibXML2

/// A view of one element of an `XMLDocument`. Keeps its document alive; cheap to copy.
public struct XMLElement: @unchecked Sendable, Hashable {
    public let document: XMLDocument
    let node: xmlNodePtr

    init(document: XMLDocument, node: xmlNodePtr) {
        self.document = document
        self.node = node
    }

    public static func == (lhs: XMLElement, rhs: XMLElement) -> Bool { lhs.node == rhs.node }
    public func hash(into hasher: inout Hasher) { hasher.combine(node) }

    public var localName: String { node.pointee.name.map(String.init(xml:)) ?? "" }
    public var prefix: String? { node.pointee.ns?.pointee.prefix.map(String.init(xml:)) }
    public var namespaceURI: String? { node.pointee.ns?.pointee.href.map(String.init(xml:)) }
    /// The name as written: `prefix:localName` or `localName`.
    public var qualifiedName: String { prefix.map { "\($0):\(localName)" } ?? localName }
    /// The line of the start tag in the parsed input (0 for built elements).
    public var line: Int { Int(xmlGetLineNo(node)) }

    public var parent: XMLElement? {
        guard let parent = node.pointee.parent, parent.pointee.type == XML_ELEMENT_NODE else { return nil }
        return XMLElement(document: document, node: parent)
    }

    /// Child elements, in document order.
    public var children: [XMLElement] {
        var result: [XMLElement] = []
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE { result.append(XMLElement(document: document, node: current)) }
            child = current.pointee.next
        }
        return result
    }

    /// Every child node, elements and the rest, in document order.
    public var childNodes: [XMLChild] {
        var result: [XMLChild] = []
        var child = node.pointee.children
        while let current = child {
            result.append(XMLChild(document: document, node: current))
            child = current.pointee.next
        }
        return result
    }

    /// The first child element with this local name, whatever its namespace.
    public func child(named localName: String) -> XMLElement? {
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE, XMLElement.hasLocalName(current, localName) {
                return XMLElement(document: document, node: current)
            }
            child = current.pointee.next
        }
        return nil
    }

    /// Every child element with this local name, whatever its namespace.
    public func children(named localName: String) -> [XMLElement] {
        children.filter { XMLElement.hasLocalName($0.node, localName) }
    }

    /// Every element below this one (not itself) with this local name, in document order.
    public func descendants(named localName: String) -> [XMLElement] {
        var result: [XMLElement] = []
        func walk(_ parent: xmlNodePtr) {
            var child = parent.pointee.children
            while let current = child {
                if current.pointee.type == XML_ELEMENT_NODE {
                    if XMLElement.hasLocalName(current, localName) { result.append(XMLElement(document: document, node: current)) }
                    walk(current)
                }
                child = current.pointee.next
            }
        }
        walk(node)
        return result
    }

    /// All text below this element, in order, with comments and processing instructions left
    /// out: `Đà<!--x-->Nẵng` reads `ĐàNẵng`, never the part before the comment.
    public var text: String {
        if let only = soleTextChild { return String(xml: only) }
        guard let content = xmlNodeGetContent(node) else { return "" }
        defer { lt_xmlFree(content) }
        return String(xml: content)
    }

    /// The same text as UTF-8 bytes, without a String in between (for large base64 payloads).
    public var textBytes: [UInt8] {
        if let only = soleTextChild { return Array(UnsafeBufferPointer(start: only, count: Int(xmlStrlen(only)))) }
        guard let content = xmlNodeGetContent(node) else { return [] }
        defer { lt_xmlFree(content) }
        return Array(UnsafeBufferPointer(start: content, count: Int(xmlStrlen(content))))
    }

    /// The content of the one text node an element holds when that is all it holds (the usual
    /// field): read in place, where `xmlNodeGetContent` would allocate and copy it first.
    private var soleTextChild: UnsafePointer<xmlChar>? {
        guard let child = node.pointee.children, child.pointee.next == nil, child.pointee.type == XML_TEXT_NODE,
              let content = child.pointee.content else { return nil }
        return UnsafePointer(content)
    }

    /// The value of the attribute `name` with no namespace, or in `namespaceURI` when given.
    public func attribute(_ name: String, namespaceURI: String? = nil) -> String? {
        let value = withXMLString(name) { name in
            withOptionalXMLString(namespaceURI) { uri in
                uri == nil ? xmlGetNoNsProp(node, name) : xmlGetNsProp(node, name, uri)
            }
        }
        guard let value else { return nil }
        defer { lt_xmlFree(value) }
        return String(xml: value)
    }

    /// Every attribute on this element (namespace declarations are not attributes).
    public var attributes: [XMLAttribute] {
        var result: [XMLAttribute] = []
        var attribute = node.pointee.properties
        while let current = attribute {
            let name = current.pointee.name.map(String.init(xml:)) ?? ""
            let uri = current.pointee.ns?.pointee.href.map(String.init(xml:))
            let raw = xmlNodeGetContent(UnsafeMutableRawPointer(current).assumingMemoryBound(to: xmlNode.self))
            let value = raw.map(String.init(xml:)) ?? ""
            if let raw { lt_xmlFree(raw) }
            result.append(XMLAttribute(localName: name, namespaceURI: uri, value: value))
            attribute = current.pointee.next
        }
        return result
    }

    /// The namespace declarations written on this element, as (prefix or nil, URI).
    public var namespaceDeclarations: [(prefix: String?, uri: String)] {
        var result: [(prefix: String?, uri: String)] = []
        var namespace = node.pointee.nsDef
        while let current = namespace {
            result.append((current.pointee.prefix.map(String.init(xml:)), current.pointee.href.map(String.init(xml:)) ?? ""))
            namespace = current.pointee.next
        }
        return result
    }

    /// Whether `other` is this element or lies below it.
    public func contains(_ other: XMLElement) -> Bool {
        var current: xmlNodePtr? = other.node
        while let node = current {
            if node == self.node { return true }
            current = node.pointee.parent
        }
        return false
    }

    /// This element and its subtree as XML text (no declaration), as the tree holds it.
    public func serialized() -> [UInt8] {
        guard let buffer = xmlBufferCreate() else { return [] }
        defer { xmlBufferFree(buffer) }
        xmlNodeDump(buffer, document.pointer, node, 0, 0)
        guard let content = xmlBufferContent(buffer) else { return [] }
        return Array(UnsafeBufferPointer(start: content, count: Int(xmlBufferLength(buffer))))
    }

    static func hasLocalName(_ node: xmlNodePtr, _ localName: String) -> Bool {
        guard let name = node.pointee.name else { return false }
        return localName.withCString { xmlStrEqual(name, UnsafeRawPointer($0).assumingMemoryBound(to: xmlChar.self)) != 0 }
    }
}

public struct XMLAttribute: Sendable, Equatable {
    public let localName: String
    public let namespaceURI: String?
    public let value: String
}

/// One child node of an element, of any kind.
public enum XMLChild: @unchecked Sendable {
    case element(XMLElement)
    case text(String)
    case comment(String)
    case processingInstruction(target: String, data: String)
    case other

    init(document: XMLDocument, node: xmlNodePtr) {
        func content() -> String {
            guard let raw = xmlNodeGetContent(node) else { return "" }
            defer { lt_xmlFree(raw) }
            return String(xml: raw)
        }
        switch node.pointee.type {
        case XML_ELEMENT_NODE: self = .element(XMLElement(document: document, node: node))
        case XML_TEXT_NODE, XML_CDATA_SECTION_NODE: self = .text(content())
        case XML_COMMENT_NODE: self = .comment(content())
        case XML_PI_NODE: self = .processingInstruction(target: node.pointee.name.map(String.init(xml:)) ?? "", data: content())
        default: self = .other
        }
    }

    /// Whether this is text made only of XML white space (indentation between elements).
    public var isWhitespace: Bool {
        if case .text(let text) = self { return text.allSatisfy { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" } }
        return false
    }
}
