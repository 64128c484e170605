/// Why a document could not be parsed. The domain layers map `kind` to their reason codes.
public struct XMLError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The input has no bytes, or no element.
        case empty
        /// The input is over `XMLParseLimits.maxBytes`.
        case tooLarge
        /// A `<!DOCTYPE …>`: refused, because DTDs carry entities and external references.
        case doctypeForbidden
        /// Nesting deeper than `XMLParseLimits.maxDepth`.
        case tooDeep
        /// A text run longer than `XMLParseLimits.maxTextLength`.
        case textTooLong
        /// An element with more than `XMLParseLimits.maxAttributesPerElement` attributes.
        case tooManyAttributes
        /// Bytes that are not text in the declared encoding (invalid UTF-8, binary junk).
        case invalidEncoding
        /// Not well-formed XML: truncated, mismatched tags, undefined entities, …
        case malformed
        /// libxml2 failed for a reason that is not the input's fault (out of memory, …).
        case internalFailure
    }

    public let kind: Kind
    public let message: String
    /// The line the parser had reached, 0 when unknown.
    public let line: Int

    public init(_ kind: Kind, _ message: String, line: Int = 0) {
        self.kind = kind
        self.message = message
        self.line = line
    }

    public var description: String {
        line > 0 ? "\(message) (line \(line))" : message
    }
}
