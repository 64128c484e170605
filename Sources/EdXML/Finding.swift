/// Something a reader or validator noticed, with a stable reason code and, when it came from a
/// file, the line of the element concerned.
public struct Finding: Hashable, Sendable, Codable, CustomStringConvertible {
    public enum Severity: String, Sendable, Codable, Comparable {
        case warning, error

        public static func < (a: Severity, b: Severity) -> Bool { a == .warning && b == .error }
    }

    public var severity: Severity
    public var reasonCode: String
    public var message: String
    public var line: Int?

    public init(_ severity: Severity, _ reasonCode: String, _ message: String, line: Int? = nil) {
        self.severity = severity
        self.reasonCode = reasonCode
        self.message = message
        self.line = line
    }

    public static func warning(_ code: String, _ message: String, line: Int? = nil) -> Finding {
        Finding(.warning, code, message, line: line)
    }

    public static func error(_ code: String, _ message: String, line: Int? = nil) -> Finding {
        Finding(.error, code, message, line: line)
    }

    /// `line 12: error: edxml.missing_subject: …`
    public var description: String {
        let place = line.map { "line \($0): " } ?? ""
        return "\(place)\(severity.rawValue): \(reasonCode): \(message)"
    }
}
