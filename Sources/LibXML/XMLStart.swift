/// Where the XML of a received file starts. Real senders prefix envelopes with junk (one
/// prefixes `1212`); every reader of outside XML skips it the same way, so the envelope reader
/// and the signature verifier never disagree about what a file holds.
public struct XMLStart: Sendable, Equatable {
    /// Bytes to skip before the XML.
    public let offset: Int
    /// Line breaks in the skipped bytes (added to libxml2's line numbers).
    public let skippedLines: Int

    /// After a UTF-8 BOM the XML must start at once; otherwise an `<?xml` declaration is looked
    /// for in the first 4 KiB and anything before it skipped. No declaration: nothing skipped.
    public static func locate(in bytes: some Collection<UInt8>) -> XMLStart {
        let head = Array(bytes.prefix(4096))
        let afterBOM = head.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        if afterBOM < head.count && head[afterBOM] == UInt8(ascii: "<") { return XMLStart(offset: 0, skippedLines: 0) }
        let declaration = Array("<?xml".utf8)
        guard head.count >= declaration.count,
              let found = (afterBOM...(head.count - declaration.count)).first(where: {
                  head[$0..<$0 + declaration.count].elementsEqual(declaration)
              }) else {
            return XMLStart(offset: 0, skippedLines: 0)
        }
        return XMLStart(offset: found, skippedLines: head[afterBOM..<found].filter { $0 == UInt8(ascii: "\n") }.count)
    }
}
