import Foundation
import Store

/// Aligned plain-text tables for people; `--json` output is for scripts.
struct TextTable {
    var headers: [String]
    var rows: [[String]] = []

    init(_ headers: String...) { self.headers = headers }

    mutating func add(_ cells: String...) { rows.append(cells) }

    func render(indent: String = "") -> String {
        var widths = headers.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            let padded = cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
            }
            return indent + padded.joined(separator: "  ")
        }
        return ([line(headers)] + rows.map(line)).joined(separator: "\n")
    }
}

enum TimeText {
    static let absoluteFormat: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss'Z'"
        return formatter
    }()

    /// "2026-11-25 04:12:09Z (3m ago)"; "in 40s" for times to come.
    static func both(_ date: Date?, now: Date = Date()) -> String {
        guard let date else { return "-" }
        return "\(absoluteFormat.string(from: date)) (\(relative(date, now: now)))"
    }

    static func relative(_ date: Date, now: Date = Date()) -> String {
        let seconds = now.timeIntervalSince(date)
        let span = span(abs(seconds))
        if abs(seconds) < 1 { return "now" }
        return seconds >= 0 ? "\(span) ago" : "in \(span)"
    }

    static func span(_ seconds: Double) -> String {
        let whole = Int(seconds)
        switch whole {
        case ..<60: return "\(whole)s"
        case ..<3600: return "\(whole / 60)m"
        case ..<86400: return "\(whole / 3600)h\(whole % 3600 / 60 > 0 ? "\(whole % 3600 / 60)m" : "")"
        default: return "\(whole / 86400)d\(whole % 86400 / 3600 > 0 ? "\(whole % 86400 / 3600)h" : "")"
        }
    }

    /// Parses "90s", "15m", "2h", "1h30m", "7d" into seconds.
    static func parseDuration(_ text: String) -> TimeInterval? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        var total = 0.0, digits = ""
        for character in text {
            if character.isASCII && character.isNumber {
                digits.append(character)
            } else if let unit = units[character], let value = Double(digits) {
                total += value * unit
                digits = ""
            } else {
                return nil
            }
        }
        return digits.isEmpty && !text.isEmpty ? total : nil
    }

    /// Parses "2026-11-01" (midnight UTC) or an ISO 8601 date and time.
    static func parseDate(_ text: String) -> Date? {
        let day = DateFormatter()
        day.locale = Locale(identifier: "en_US_POSIX")
        day.timeZone = TimeZone(identifier: "UTC")
        day.dateFormat = "yyyy-MM-dd"
        if text.count == 10, let date = day.date(from: text) { return date }
        return ISO8601DateFormatter().date(from: text)
    }
}

enum JSONOutput {
    static func print<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        Swift.print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}

extension String {
    func truncated(to length: Int) -> String {
        count <= length ? self : String(prefix(length - 1)) + "…"
    }
}

extension OutboundMessage {
    /// The reason shown in lists: the code and, when there is room, its sentence.
    var lastReasonText: String {
        guard let code = lastReasonCode else { return "" }
        guard let reason = lastReason, !reason.isEmpty else { return code }
        return "\(code): \(reason)"
    }
}

extension Duration {
    var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
