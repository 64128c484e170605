/// Bounds on what one parse may consume. XML from outside is hostile: every limit here is checked
/// while parsing, before the document is handed to anyone.
public struct XMLParseLimits: Sendable, Equatable {
    /// Largest input accepted, in bytes. Checked before the parser sees a byte.
    public var maxBytes: Int
    /// Deepest element nesting accepted (the root is depth 1).
    public var maxDepth: Int
    /// Longest run of text in one element, in bytes (an attachment's base64 is one such run).
    public var maxTextLength: Int
    /// Most attributes (namespace declarations included) on one element.
    public var maxAttributesPerElement: Int

    public init(maxBytes: Int = 256 << 20, maxDepth: Int = 64,
                maxTextLength: Int = 256 << 20, maxAttributesPerElement: Int = 64) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
        self.maxTextLength = maxTextLength
        self.maxAttributesPerElement = maxAttributesPerElement
    }

    /// Generous enough for every real edXML envelope (attachments of a few hundred MB), tight
    /// enough that no input can make the parser nest, allocate or expand without bound.
    public static let `default` = XMLParseLimits()
}
