import Foundation

/// A calendar date with an optional time of day, in Vietnam local time (no zone in edXML).
public struct LocalDateTime: Hashable, Sendable, Codable, Comparable {
    public var year: Int
    public var month: Int
    public var day: Int
    /// Hours, minutes and seconds, when the text carried a time.
    public var time: TimeOfDay?

    public struct TimeOfDay: Hashable, Sendable, Codable {
        public var hour: Int
        public var minute: Int
        public var second: Int
        public init(hour: Int, minute: Int, second: Int) {
            self.hour = hour; self.minute = minute; self.second = second
        }
    }

    public init(year: Int, month: Int, day: Int, time: TimeOfDay? = nil) {
        self.year = year; self.month = month; self.day = day; self.time = time
    }

    /// Vietnam has kept UTC+7 without daylight saving since 1975.
    public static let vietnamTimeZone = TimeZone(secondsFromGMT: 7 * 3600)!

    /// The local date and time of `date` in Vietnam.
    /// Plain arithmetic on a fixed offset (proleptic Gregorian, as `Calendar` computes it):
    /// every hop stamps a time, and `Calendar` costs microseconds per call.
    public init(_ date: Date, withTime: Bool) {
        let local = Int64((date.timeIntervalSince1970).rounded(.down)) + Int64(Self.vietnamTimeZone.secondsFromGMT())
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let seconds = Int(local - days * 86_400)
        // Days since 1970-01-01 to a civil date (H. Hinnant's days_from_civil, inverted).
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * monthIndex + 2) / 5 + 1)
        let month = Int(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9)
        let year = Int(yearOfEra + era * 400) + (month <= 2 ? 1 : 0)
        self.init(year: year, month: month, day: day,
                  time: withTime ? TimeOfDay(hour: seconds / 3_600, minute: seconds % 3_600 / 60, second: seconds % 60) : nil)
    }

    /// Whether the day exists in the calendar (2014/02/30 does not) and the time is on the clock.
    public var isPossible: Bool {
        guard (1...9999).contains(year), (1...12).contains(month) else { return false }
        guard (1...Self.daysIn(month: month, year: year)).contains(day) else { return false }
        if let time {
            return (0...23).contains(time.hour) && (0...59).contains(time.minute) && (0...60).contains(time.second)
        }
        return true
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// `yyyy/MM/dd` or `yyyy/MM/dd HH:mm:ss`, the forms edXML writes.
    public var edXMLText: String {
        let date = "\(pad(year, 4))/\(pad(month, 2))/\(pad(day, 2))"
        guard let time else { return date }
        return "\(date) \(pad(time.hour, 2)):\(pad(time.minute, 2)):\(pad(time.second, 2))"
    }

    /// The instant this local time names in Vietnam, or nil when the date is impossible.
    public var date: Date? {
        guard isPossible else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = Self.vietnamTimeZone
        return calendar.date(from: DateComponents(year: year, month: month, day: day,
                                                  hour: time?.hour ?? 0, minute: time?.minute ?? 0, second: time?.second ?? 0))
    }

    public static func < (a: LocalDateTime, b: LocalDateTime) -> Bool {
        let ka = [a.year, a.month, a.day, a.time?.hour ?? 0, a.time?.minute ?? 0, a.time?.second ?? 0]
        let kb = [b.year, b.month, b.day, b.time?.hour ?? 0, b.time?.minute ?? 0, b.time?.second ?? 0]
        return ka.lexicographicallyPrecedes(kb)
    }

    /// Reads `yyyy/MM/dd` and `yyyy/MM/dd HH:mm:ss` (also with `-` between the date parts, which
    /// some senders use). Returns the fields even when the day is impossible: see `isPossible`.
    public init?(parsing text: String) {
        var text = text
        switch text.withUTF8(Self.parseASCII) {
        case .parsed(let value): self = value
        case .refused: return nil
        case .notASCII: self.init(parsingCharacters: text)
        }
    }

    private enum ASCIIParse {
        case parsed(LocalDateTime)
        case refused
        /// Bytes where a `Character` is not one byte, or a CRLF (one `Character`): left to the
        /// general reading below, so both agree on every text.
        case notASCII
    }

    /// The same reading as `init(parsingCharacters:)` on the bytes of an ASCII text, without the
    /// strings and arrays that reading builds: every date of every message goes through here.
    private static func parseASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> ASCIIParse {
        let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        for (index, byte) in bytes.enumerated() {
            if byte >= 0x80 || (byte == cr && index + 1 < bytes.count && bytes[index + 1] == lf) { return .notASCII }
        }
        func isSpace(_ byte: UInt8) -> Bool { byte == space || byte == tab || byte == lf || byte == cr }
        var start = 0, end = bytes.count
        while start < end && isSpace(bytes[start]) { start += 1 }
        while end > start && isSpace(bytes[end - 1]) { end -= 1 }
        // The halves around spaces (tabs and line breaks inside are not separators).
        var halves: [Range<Int>] = []
        var index = start
        while index < end {
            while index < end && bytes[index] == space { index += 1 }
            guard index < end else { break }
            let from = index
            while index < end && bytes[index] != space { index += 1 }
            if halves.count == 2 { return .refused }
            halves.append(from..<index)
        }
        guard halves.count == 1 || halves.count == 2 else { return .refused }
        let day = halves[0]
        let separator = day.contains { bytes[$0] == UInt8(ascii: "-") } ? UInt8(ascii: "-") : UInt8(ascii: "/")
        guard let dateParts = split(bytes, day, on: separator, expecting: 3),
              dateParts[0].count == 4, (1...2).contains(dateParts[1].count), (1...2).contains(dateParts[2].count),
              let y = integer(bytes, dateParts[0]), let m = integer(bytes, dateParts[1]), let d = integer(bytes, dateParts[2]) else { return .refused }
        var time: TimeOfDay?
        if halves.count == 2 {
            guard let t = split(bytes, halves[1], on: UInt8(ascii: ":"), expecting: 3), t.allSatisfy({ $0.count == 2 }),
                  let h = integer(bytes, t[0]), let mi = integer(bytes, t[1]), let s = integer(bytes, t[2]) else { return .refused }
            time = TimeOfDay(hour: h, minute: mi, second: s)
        }
        return .parsed(LocalDateTime(year: y, month: m, day: d, time: time))
    }

    /// The `count` parts of `range` between `separator`s (empty parts kept), or nil for another count.
    private static func split(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, on separator: UInt8, expecting count: Int) -> [Range<Int>]? {
        var parts: [Range<Int>] = []
        parts.reserveCapacity(count)
        var from = range.lowerBound
        for index in range where bytes[index] == separator {
            if parts.count == count - 1 { return nil }
            parts.append(from..<index)
            from = index + 1
        }
        parts.append(from..<range.upperBound)
        return parts.count == count ? parts : nil
    }

    /// `Int(_:)` of an ASCII text: an optional sign, then one or more digits.
    private static func integer(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
        var index = range.lowerBound
        var negative = false
        if index < range.upperBound && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        guard index < range.upperBound else { return nil }
        var value = 0
        while index < range.upperBound {
            guard bytes[index].isASCIIDigit else { return nil }
            value = value * 10 + Int(bytes[index] - UInt8(ascii: "0"))
            index += 1
        }
        return negative ? -value : value
    }

    /// The general reading, on `Character`s.
    init?(parsingCharacters text: String) {
        let trimmed = text.trimmingWhitespace
        let halves = trimmed.split(separator: " ", omittingEmptySubsequences: true)
        guard halves.count == 1 || halves.count == 2 else { return nil }
        let dateParts = halves[0].split(separator: halves[0].contains("-") ? "-" : "/", omittingEmptySubsequences: false)
        guard dateParts.count == 3, dateParts[0].count == 4, (1...2).contains(dateParts[1].count), (1...2).contains(dateParts[2].count),
              let y = Int(dateParts[0]), let m = Int(dateParts[1]), let d = Int(dateParts[2]) else { return nil }
        var time: TimeOfDay?
        if halves.count == 2 {
            let t = halves[1].split(separator: ":", omittingEmptySubsequences: false)
            guard t.count == 3, t.allSatisfy({ $0.count == 2 }),
                  let h = Int(t[0]), let mi = Int(t[1]), let s = Int(t[2]) else { return nil }
            time = TimeOfDay(hour: h, minute: mi, second: s)
        }
        self.init(year: y, month: m, day: d, time: time)
    }
}

private func pad(_ n: Int, _ width: Int) -> String {
    let s = String(n)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}

/// A date as a document carries it: the original text, kept for writing back unchanged, beside
/// the value read from it. `2014/02/30` keeps its text, has a value that is not possible, and
/// survives a round trip.
public struct DateText: Hashable, Sendable, Codable, CustomStringConvertible {
    public let text: String
    public let value: LocalDateTime?

    public init(_ text: String) {
        self.text = text
        self.value = LocalDateTime(parsing: text)
    }

    public init(_ value: LocalDateTime) {
        self.text = value.edXMLText
        self.value = value
    }

    public var description: String { text }

    /// Why this text is not a usable date, or nil when it is one.
    public var problem: String? {
        if text.trimmingWhitespace.isEmpty { return "the date is empty" }
        guard let value else { return "'\(text)' is not a date of the form yyyy/MM/dd or yyyy/MM/dd HH:mm:ss" }
        if !value.isPossible { return "'\(text)' is not a day of the calendar" }
        return nil
    }
}
