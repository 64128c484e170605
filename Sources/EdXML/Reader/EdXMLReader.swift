import Foundation
import LibXML

/// What reading a file gives: the message, every finding (quirks met while reading and the
/// field rules' verdicts), and where each field was.
public struct ReadResult: Sendable {
    public var message: EdXMLMessage
    public var findings: [Finding]
    public var lines: SourceLines

    public var errors: [Finding] { findings.filter { $0.severity == .error } }
    public var warnings: [Finding] { findings.filter { $0.severity == .warning } }
}

/// A parsed input, before it is read as edXML: kept for schema validation, which needs the tree.
public struct ParsedInput: Sendable {
    public let document: XMLDocument
    /// Lines the junk before the XML declaration took (added to every line libxml2 reports).
    public let lineOffset: Int
    public let notes: [Finding]
    /// Bytes skipped before the XML declaration: the tree's byte offsets count from there.
    public var skippedBytes: Int = 0

    /// Where `TraceHeaderList`'s end tag ends in the input bytes as the parser read them (nil
    /// for a tree not from UTF-8 input), so a hop can be spliced in without parsing again.
    public func endOffset(ofTraceList element: XMLElement) -> Int? {
        document.endOffset(of: element).map { $0 + skippedBytes }
    }

    /// The part of `bytes` (the input given to `parse`) the tree was parsed from, which a verifier
    /// takes beside the tree to digest the bytes as received.
    public func parsedPart(of bytes: [UInt8]) -> ArraySlice<UInt8> {
        bytes[(bytes.startIndex + skippedBytes)...]
    }
}

/// Reads edXML with the hardened libxml2 parser, by local name, in any element order, tolerant of
/// the quirks of real traffic (EDXML.md): junk before the declaration, a BOM, `Status` for
/// `MessageHeader`, `Signature` in either namespace, `cid:` or not, zipped payloads, empty elements.
public struct EdXMLReader: Sendable {
    /// Elements whose places in the bytes the parser records: `TraceHeaderList`, where a bus
    /// splices its hop, and `Signature`, which a verifier cuts out to digest the bytes as received.
    public static let recordedElements = ["TraceHeaderList", "Signature"]

    public var limits: XMLParseLimits
    /// Where decoded attachment bytes go; by default they are measured and not kept.
    public var payloads: any PayloadStore
    /// Whether an organisation id of an unrecognised form is an error rather than a warning.
    public var strictOrganIds: Bool
    /// Whether the header's `Signature` is kept as text in the model (for writing the message
    /// back). Keeping it copies and serialises the certificate-bearing element; a node that only
    /// checks and routes a message verifies the parsed tree and can leave it out.
    public var keepsSignatureElement = true

    public init(limits: XMLParseLimits = .default, payloads: any PayloadStore = MeasuringPayloadStore(), strictOrganIds: Bool = false) {
        self.limits = limits
        self.payloads = payloads
        self.strictOrganIds = strictOrganIds
    }

    /// Reads a file, refusing one over the size limit before reading a byte of it.
    public func read(contentsOf url: URL) throws -> ReadResult {
        try read(parse(contentsOf: url))
    }

    public func read(_ bytes: Data) throws -> ReadResult {
        try read(parse(bytes))
    }

    public func parse(contentsOf url: URL) throws -> ParsedInput {
        try parse(Self.load(url, limit: limits.maxBytes))
    }

    /// Parses under the limits, after skipping anything before the XML declaration.
    public func parse(_ bytes: Data) throws -> ParsedInput {
        let xmlStart = XMLStart.locate(in: bytes)
        let (start, junkLines, junk) = (xmlStart.offset, xmlStart.skippedLines, xmlStart.offset)
        var notes: [Finding] = []
        if junk > 0 {
            notes.append(.warning("edxml.junk_before_declaration",
                                  "\(junk) bytes before the XML declaration were skipped", line: 1))
        }
        do {
            let document = try XMLDocument(parsing: bytes[(bytes.startIndex + start)...], limits: limits,
                                           recording: Self.recordedElements)
            return ParsedInput(document: document, lineOffset: junkLines, notes: notes, skippedBytes: start)
        } catch where error.kind == .empty && bytes.contains(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) {
            // libxml2 calls bytes with no element in them "empty"; to a person they are not XML.
            throw EdXMLError("xml.malformed", "the input holds no XML element (\(error.message))", line: error.line > 0 ? error.line + junkLines : nil)
        } catch {
            throw EdXMLError(error, lineOffset: junkLines)
        }
    }

    /// Reads the parsed tree as an edXML message. Throws only when it is not edXML at all.
    public func read(_ input: ParsedInput) throws -> ReadResult {
        let context = ReadContext(lineOffset: input.lineOffset, payloads: payloads, keepsSignatureElement: keepsSignatureElement)
        context.findings = input.notes
        guard let root = input.document.root else { throw EdXMLError("xml.empty", "the document has no root element") }
        guard root.hasLenientName("edXML") else {
            throw EdXMLError("edxml.not_edxml", "the root element is \(root.localName), not edXML", line: context.line(of: root))
        }
        if let ns = root.namespaceURI, ns != EdXMLNamespace.qcvn102 {
            context.note("edxml.unexpected_namespace", "the root is in the namespace \(ns), not QCVN 102's \(EdXMLNamespace.qcvn102)", at: root)
        } else if root.namespaceURI == nil {
            context.note("edxml.unexpected_namespace", "the root is in no namespace; QCVN 102 puts it in \(EdXMLNamespace.qcvn102)", at: root)
        }
        let message = try MessageReading(context: context).read(root: root)
        let rules = FieldRules(strictOrganIds: strictOrganIds)
        let findings = context.findings + rules.check(message, lines: context.lines)
        return ReadResult(message: message, findings: findings, lines: context.lines)
    }

    /// The file's bytes, or `xml.too_large` before reading when it is over the limit.
    static func load(_ url: URL, limit: Int) throws -> Data {
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        } catch {
            throw EdXMLError("io.unreadable", "cannot read \(url.path): \(error.localizedDescription)")
        }
        if let type = attributes[.type] as? FileAttributeType, type == .typeDirectory {
            throw EdXMLError("io.unreadable", "\(url.path) is a directory")
        }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        if size > limit {
            throw EdXMLError("xml.too_large", "the file is \(size) bytes, over the limit of \(limit)")
        }
        do {
            return try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw EdXMLError("io.unreadable", "cannot read \(url.path): \(error.localizedDescription)")
        }
    }
}
