import Foundation
import Logging

/// One line per event, `key=value` pairs (logfmt), to standard error:
/// `ts=2026-11-25T04:40:00.123Z level=info label=gateway msg="delivered" message_id=42`.
/// Metadata (handler, logger and call site) is flattened into the line in key order, so a line is
/// greppable by any key and parseable by the usual logfmt tools.
public struct LogfmtLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let label: String
    private let output: @Sendable (String) -> Void

    public init(label: String, level: Logger.Level,
                output: @escaping @Sendable (String) -> Void = LogfmtLogHandler.writeToStandardError) {
        self.label = label
        self.logLevel = level
        self.output = output
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        var line = "ts=\(Self.timestamp()) level=\(event.level.rawValue) label=\(Self.quoted(label)) msg=\(Self.quoted(event.message.description))"
        if let error = event.error, merged["error"] == nil { merged["error"] = "\(error)" }
        for key in merged.keys.sorted() {
            line += " \(Self.sanitisedKey(key))=\(Self.quoted(Self.flatten(merged[key]!)))"
        }
        output(line + "\n")
    }

    @Sendable public static func writeToStandardError(_ line: String) {
        FileHandle.standardError.write(Data(line.utf8))
    }

    private static func flatten(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let text): text
        case .stringConvertible(let convertible): convertible.description
        case .array(let values): values.map(flatten).joined(separator: ",")
        case .dictionary(let entries): entries.keys.sorted().map { "\($0):\(flatten(entries[$0]!))" }.joined(separator: ",")
        }
    }

    /// Bare when it is a plain token, otherwise in double quotes with `"`, `\` and line breaks
    /// escaped, so one event is always exactly one line.
    static func quoted(_ text: String) -> String {
        let plain = !text.isEmpty && text.unicodeScalars.allSatisfy {
            $0.value > 0x20 && $0.value < 0x7f && $0 != "\"" && $0 != "=" && $0 != "\\"
        }
        if plain { return text }
        var escaped = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            default:
                if scalar.value < 0x20 { escaped += String(format: "\\u%04x", scalar.value) } else { escaped.unicodeScalars.append(scalar) }
            }
        }
        return escaped + "\""
    }

    private static func sanitisedKey(_ key: String) -> String {
        String(key.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." || $0 == "-" ? $0 : "_" })
    }

    private static func timestamp() -> String {
        Date.now.formatted(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: true)
            .timeSeparator(.colon).timeZone(separator: .omitted))
    }
}
