internal import CLibXML2
import Glibc

/// libxml2's push parser with our SAX hooks in front of its tree builder. The hooks refuse a
/// DOCTYPE the moment one starts (before any entity can be declared) and enforce the depth,
/// attribute and text limits while parsing, so a hostile input is stopped early instead of being
/// built and then measured.
enum HardenedParser {
    /// Never NOENT (entity substitution) or DTDLOAD/DTDATTR/DTDVALID; always NONET. HUGE lifts
    /// libxml2's own 10 MB text cap, which real attachments exceed: our limits replace it.
    static let options: Int32 = Int32(XML_PARSE_NONET.rawValue) | Int32(XML_PARSE_NOERROR.rawValue)
        | Int32(XML_PARSE_NOWARNING.rawValue) | Int32(XML_PARSE_HUGE.rawValue)
        | Int32(XML_PARSE_BIG_LINES.rawValue) | Int32(XML_PARSE_NOCDATA.rawValue)

    /// The tree, and for each element of a recorded local name where the parser read its start tag
    /// to (the offset in `bytes` of the tag's closing `>` or `/>`) and where its end tag ends (just
    /// past it, or past its `/>`).
    struct Output {
        var document: xmlDocPtr
        var startTagEnds: [xmlNodePtr: Int]
        var elementEnds: [xmlNodePtr: Int]
    }

    static func parse(_ bytes: UnsafeRawBufferPointer, limits: XMLParseLimits,
                      recording recordedNames: [String] = []) throws(XMLError) -> Output {
        _ = LibXML2Setup.done
        guard bytes.count > 0 else { throw XMLError(.empty, "the document is empty") }
        guard bytes.count <= limits.maxBytes else {
            throw XMLError(.tooLarge, "the document is \(bytes.count) bytes, over the limit of \(limits.maxBytes)")
        }
        var handler = xmlSAXHandler()
        xmlSAXVersion(&handler, 2)
        handler.internalSubset = { context, _, _, _ in ParseState.stop(context, .doctypeForbidden) }
        handler.externalSubset = { context, _, _, _ in ParseState.stop(context, .doctypeForbidden) }
        handler.startElementNs = { context, localName, prefix, uri, namespaceCount, namespaces, attributeCount, defaulted, attributes in
            guard let state = ParseState.of(context) else { return }
            let parser = context!.assumingMemoryBound(to: xmlParserCtxt.self)
            if Int(parser.pointee.nameNr) + 1 > state.limits.maxDepth {
                return ParseState.stop(context, .tooDeep)
            }
            if Int(namespaceCount) + Int(attributeCount) > state.limits.maxAttributesPerElement {
                return ParseState.stop(context, .tooManyAttributes)
            }
            state.textLength = 0
            xmlSAX2StartElementNs(context, localName, prefix, uri, namespaceCount, namespaces,
                                  attributeCount, defaulted, attributes)
            // libxml2 calls this with the input at the tag's `>` or `/>`; the new element is current.
            if let localName, state.records(localName), let node = parser.pointee.node {
                state.startTagEnds[node] = Int(xmlByteConsumed(parser))
            }
        }
        handler.endElementNs = { context, localName, prefix, uri in
            if let state = ParseState.of(context) {
                state.textLength = 0
                if let localName, state.records(localName) {
                    // libxml2 calls this with the element still current and its input just past
                    // the end tag's `>` (in UTF-8 input, a byte offset).
                    let parser = context!.assumingMemoryBound(to: xmlParserCtxt.self)
                    if let node = parser.pointee.node { state.elementEnds[node] = Int(xmlByteConsumed(parser)) }
                }
            }
            xmlSAX2EndElementNs(context, localName, prefix, uri)
        }
        handler.characters = { context, characters, length in
            guard let state = ParseState.of(context) else { return }
            state.textLength += Int(length)
            if state.textLength > state.limits.maxTextLength { return ParseState.stop(context, .textTooLong) }
            xmlSAX2Characters(context, characters, length)
        }
        handler.cdataBlock = handler.characters

        let state = ParseState(limits: limits, recordedNames: recordedNames)
        return try withExtendedLifetime(state) { () throws(XMLError) -> Output in
            let head = bytes.bindMemory(to: CChar.self)
            let prefixLength = min(4, bytes.count)
            guard let parser = xmlCreatePushParserCtxt(&handler, nil, head.baseAddress, Int32(prefixLength), nil) else {
                throw XMLError(.internalFailure, "libxml2 could not create a parser")
            }
            defer { xmlFreeParserCtxt(parser) }
            xmlCtxtUseOptions(parser, options)
            parser.pointee._private = Unmanaged.passUnretained(state).toOpaque()

            var offset = prefixLength
            var status: Int32 = 0
            // Feed in chunks so an Int32 length never overflows on a large input.
            repeat {
                let chunk = min(bytes.count - offset, 1 << 30)
                let last: Int32 = offset + chunk == bytes.count ? 1 : 0
                status = xmlParseChunk(parser, head.baseAddress.map { $0 + offset }, Int32(chunk), last)
                offset += chunk
            } while status == 0 && offset < bytes.count && state.refusal == nil

            let document = parser.pointee.myDoc
            if let refusal = state.refusal {
                if let document { xmlFreeDoc(document) }
                throw XMLError(refusal, refusal.sentence, line: Int(xmlSAX2GetLineNumber(parser)))
            }
            guard status == 0, parser.pointee.wellFormed != 0, let document else {
                if let document { xmlFreeDoc(document) }
                throw lastError(of: parser)
            }
            guard xmlDocGetRootElement(document) != nil else {
                xmlFreeDoc(document)
                throw XMLError(.empty, "the document has no root element")
            }
            // An encoder (a non-UTF-8 declaration) makes the offsets count converted text.
            let offsetsAreBytes = parser.pointee.input?.pointee.buf?.pointee.encoder == nil
            return offsetsAreBytes ? Output(document: document, startTagEnds: state.startTagEnds, elementEnds: state.elementEnds)
                                   : Output(document: document, startTagEnds: [:], elementEnds: [:])
        }
    }

    private static func lastError(of parser: xmlParserCtxtPtr) -> XMLError {
        guard let error = xmlCtxtGetLastError(parser) else {
            return XMLError(.malformed, "the document is not well-formed XML")
        }
        var message = error.pointee.message.map { String(cString: $0) } ?? "the document is not well-formed XML"
        while let last = message.last, last.isWhitespace { message.removeLast() }
        let line = Int(error.pointee.line)
        switch Int(error.pointee.code) {
        case Int(XML_ERR_INVALID_CHAR.rawValue), Int(XML_ERR_INVALID_ENCODING.rawValue),
             Int(XML_ERR_UNKNOWN_ENCODING.rawValue), Int(XML_ERR_UNSUPPORTED_ENCODING.rawValue):
            return XMLError(.invalidEncoding, message, line: line)
        case Int(XML_ERR_DOCUMENT_EMPTY.rawValue):
            return XMLError(.empty, message, line: line)
        case Int(XML_ERR_NO_MEMORY.rawValue):
            return XMLError(.internalFailure, message, line: line)
        default:
            if message.contains("Excessive depth") { return XMLError(.tooDeep, message, line: line) }
            return XMLError(.malformed, message, line: line)
        }
    }
}

/// What the SAX hooks share during one parse, reached through the parser's `_private` pointer.
private final class ParseState {
    let limits: XMLParseLimits
    var textLength = 0
    var refusal: XMLError.Kind?
    /// NUL-terminated, compared with `strcmp` at every tag.
    let recordedNames: [[CChar]]
    var startTagEnds: [xmlNodePtr: Int] = [:]
    var elementEnds: [xmlNodePtr: Int] = [:]

    init(limits: XMLParseLimits, recordedNames: [String]) {
        self.limits = limits
        self.recordedNames = recordedNames.map { Array($0.utf8CString) }
    }

    func records(_ localName: UnsafePointer<xmlChar>) -> Bool {
        recordedNames.contains { name in strcmp(name, localName) == 0 }
    }

    static func of(_ context: UnsafeMutableRawPointer?) -> ParseState? {
        guard let context else { return nil }
        let parser = context.assumingMemoryBound(to: xmlParserCtxt.self)
        guard let state = parser.pointee._private else { return nil }
        let parseState = Unmanaged<ParseState>.fromOpaque(state).takeUnretainedValue()
        return parseState.refusal == nil ? parseState : nil
    }

    static func stop(_ context: UnsafeMutableRawPointer?, _ kind: XMLError.Kind) {
        guard let state = of(context) else { return }
        state.refusal = kind
        xmlStopParser(context!.assumingMemoryBound(to: xmlParserCtxt.self))
    }
}

extension XMLError.Kind {
    var sentence: String {
        switch self {
        case .doctypeForbidden: "a DOCTYPE declaration is not accepted (DTDs and entities are refused)"
        case .tooDeep: "elements are nested deeper than the limit"
        case .textTooLong: "a text run is longer than the limit"
        case .tooManyAttributes: "an element carries more attributes than the limit"
        default: rawValue
        }
    }
}
