/// Reads JSON text (RFC 8259) into a `JSONValue`, strictly: UTF-8 only (a leading byte order mark
/// is skipped), no comments, no trailing commas, no NaN or infinity, no leading zeros, no raw
/// control characters or lone surrogates in strings, no key twice in one object (unless
/// `refusesRepeatedKeys` is off: then the last one counts), and nesting no deeper than
/// `maximumDepth`.
///
/// It replaces `JSONSerialization` on the unit API's hot path: on Linux that builds `NSNumber`s
/// and `NSDictionary`s which every reader then cast back out of `Any` (with booleans told from
/// numbers by their class), and parsing plus decoding the unit's JSON that way was about 3 % of a
/// sending gateway's CPU (docs/perf/exchange.md, session 23). Refusing a repeated key is the
/// default on purpose: two readers of the same text must not see two different documents, or two
/// different signed headers.
public struct JSONParser: Sendable {
    public var maximumDepth: Int
    /// Off only for replies from a peer whose JSON we must take as it comes (the national bus).
    public var refusesRepeatedKeys: Bool

    public init(maximumDepth: Int = 64, refusesRepeatedKeys: Bool = true) {
        self.maximumDepth = maximumDepth
        self.refusesRepeatedKeys = refusesRepeatedKeys
    }

    public func parse(_ bytes: some Sequence<UInt8>) throws(JSONParseError) -> JSONValue {
        let result = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(JSONParseError) in try parse(buffer) }
        } ?? Array(bytes).withUnsafeBufferPointer { buffer in
            Result { () throws(JSONParseError) in try parse(buffer) }
        }
        return try result.get()
    }

    public func parse(_ buffer: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> JSONValue {
        var cursor = JSONCursor(bytes: buffer, maximumDepth: maximumDepth, refusesRepeatedKeys: refusesRepeatedKeys)
        if buffer.starts(with: [0xEF, 0xBB, 0xBF]) { cursor.index = 3 }
        cursor.skipWhitespace()
        guard !cursor.atEnd else { throw cursor.error("the text is empty") }
        let value = try cursor.value(depth: 1)
        cursor.skipWhitespace()
        guard cursor.atEnd else { throw cursor.error("unexpected text after the value") }
        return value
    }
}

/// Why JSON text was refused, and where: `offset` counts bytes from the start of the text.
public struct JSONParseError: Error, Equatable, Sendable, CustomStringConvertible {
    public let offset: Int
    public let reason: String

    public var description: String { "\(reason) (at byte \(offset))" }
}
