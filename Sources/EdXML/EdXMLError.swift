import LibXML

/// Why a file could not be read as edXML at all. Lenient quirks never end up here: they become
/// `Finding`s of the read. The reason codes are stable (docs/edxml.md lists them).
public struct EdXMLError: ReasonCoded, Equatable, Sendable {
    public let reasonCode: String
    public let explanation: String
    /// The line in the input, when one is known.
    public let line: Int?

    public init(_ reasonCode: String, _ explanation: String, line: Int? = nil) {
        self.reasonCode = reasonCode
        self.explanation = line.map { "\(explanation) (line \($0))" } ?? explanation
        self.line = line
    }

    /// The `xml.*` code for each way the hardened parser refuses input.
    init(_ error: XMLError, lineOffset: Int) {
        let code = switch error.kind {
        case .empty: "xml.empty"
        case .tooLarge: "xml.too_large"
        case .doctypeForbidden: "xml.doctype_forbidden"
        case .tooDeep: "xml.too_deep"
        case .textTooLong: "xml.text_too_long"
        case .tooManyAttributes: "xml.too_many_attributes"
        case .invalidEncoding: "xml.invalid_encoding"
        case .malformed: "xml.malformed"
        case .internalFailure: "xml.internal_failure"
        }
        self.init(code, error.message, line: error.line > 0 ? error.line + lineOffset : nil)
    }
}
