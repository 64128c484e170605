internal import CLibXML2

/// A parsed (or built) XML document. Owns libxml2's tree and frees it when the last reference goes.
/// Like every libxml2 object it belongs to one task at a time: share the bytes, not the document.
public final class XMLDocument: @unchecked Sendable {
    let pointer: xmlDocPtr
    /// Nodes unlinked by `XMLElement.remove()`: kept until the document goes, so a view that still
    /// names one never points at freed memory.
    var detached: [xmlNodePtr] = []
    /// Where the elements of the local names recorded at parsing start and end in the parsed bytes.
    private var startTagEnds: [xmlNodePtr: Int] = [:]
    private var elementEnds: [xmlNodePtr: Int] = [:]

    /// Parses `bytes` under `limits`, refusing DOCTYPEs, never touching the network or a file.
    /// With `recording`, remembers where each element of those local names starts and ends in
    /// `bytes` (see `endOffset(of:)` and `startTagEndOffset(of:)`).
    public convenience init(parsing bytes: UnsafeRawBufferPointer, limits: XMLParseLimits = .default,
                            recording recordedNames: [String] = []) throws(XMLError) {
        self.init(parsed: try HardenedParser.parse(bytes, limits: limits, recording: recordedNames))
    }

    /// Parses `bytes` (a `[UInt8]`, `Data`, `ArraySlice<UInt8>`, …) under `limits`.
    public convenience init(parsing bytes: some Collection<UInt8>, limits: XMLParseLimits = .default,
                            recording recordedNames: [String] = []) throws(XMLError) {
        let parsed: Result<HardenedParser.Output, XMLError>? = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(XMLError) in
                try HardenedParser.parse(UnsafeRawBufferPointer(buffer), limits: limits, recording: recordedNames)
            }
        }
        if let parsed {
            self.init(parsed: try parsed.get())
        } else {
            let copy = Array(bytes)
            let parsedCopy = copy.withUnsafeBytes { buffer in
                Result { () throws(XMLError) in try HardenedParser.parse(buffer, limits: limits, recording: recordedNames) }
            }
            self.init(parsed: try parsedCopy.get())
        }
    }

    private convenience init(parsed: HardenedParser.Output) {
        self.init(owning: parsed.document)
        startTagEnds = parsed.startTagEnds
        elementEnds = parsed.elementEnds
    }

    /// A new document whose root is `localName` in `namespaceURI`, bound to `prefix` (nil: default namespace).
    public convenience init(rootLocalName localName: String, namespaceURI: String?, prefix: String? = nil) {
        _ = LibXML2Setup.done
        let document = withXMLString("1.0") { xmlNewDoc($0)! }
        let root = withXMLString(localName) { xmlNewDocNode(document, nil, $0, nil)! }
        xmlDocSetRootElement(document, root)
        self.init(owning: document)
        if let namespaceURI {
            let namespace = withXMLString(namespaceURI) { uri in
                withOptionalXMLString(prefix) { xmlNewNs(root, uri, $0) }
            }
            xmlSetNs(root, namespace)
        }
    }

    init(owning pointer: xmlDocPtr) {
        self.pointer = pointer
    }

    deinit {
        for node in detached { xmlFreeNode(node) }
        xmlFreeDoc(pointer)
    }

    /// The offset in the parsed bytes just past `element`'s end tag (or its `/>`), when the
    /// document was parsed `recording` its name from UTF-8 (or ASCII) input; nil otherwise.
    public func endOffset(of element: XMLElement) -> Int? {
        guard element.document === self else { return nil }
        return elementEnds[element.node]
    }

    /// The offset in the parsed bytes of the `>` (or `/>`) that closes `element`'s start tag, on
    /// the same terms as `endOffset(of:)`. The tag's `<` is the last one before it: no `<` can
    /// stand inside a tag.
    public func startTagEndOffset(of element: XMLElement) -> Int? {
        guard element.document === self else { return nil }
        return startTagEnds[element.node]
    }

    public var root: XMLElement? {
        xmlDocGetRootElement(pointer).map { XMLElement(document: self, node: $0) }
    }

    /// The document as UTF-8 bytes with an XML declaration, exactly as the tree holds it.
    public func serialized() -> [UInt8] {
        var memory: UnsafeMutablePointer<xmlChar>?
        var size: Int32 = 0
        xmlDocDumpMemoryEnc(pointer, &memory, &size, "UTF-8")
        guard let memory else { return [] }
        defer { lt_xmlFree(memory) }
        return Array(UnsafeBufferPointer(start: memory, count: Int(size)))
    }
}

/// Calls `body` with `string` as a NUL-terminated `xmlChar*` valid only during the call
/// (libxml2's tree-building functions copy their string arguments).
func withXMLString<R>(_ string: String, _ body: (UnsafePointer<xmlChar>) throws -> R) rethrows -> R {
    try string.withCString { try $0.withMemoryRebound(to: xmlChar.self, capacity: string.utf8.count + 1, body) }
}

func withOptionalXMLString<R>(_ string: String?, _ body: (UnsafePointer<xmlChar>?) throws -> R) rethrows -> R {
    guard let string else { return try body(nil) }
    return try withXMLString(string, body)
}

extension String {
    /// Copies a libxml2-owned string.
    init(xml pointer: UnsafePointer<xmlChar>) {
        self = String(cString: UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self))
    }

    init(xml pointer: UnsafeMutablePointer<xmlChar>) {
        self.init(xml: UnsafePointer(pointer))
    }
}
