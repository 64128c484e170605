import TOMLKit

/// A parsed TOML value as plain Swift data, so that decoding never touches TOMLKit's C++ handles
/// after parsing and the values can cross concurrency domains.
indirect enum TOMLNode: Sendable, Equatable {
    case table([String: TOMLNode])
    case array([TOMLNode])
    case string(String)
    case integer(Int)
    case float(Double)
    case boolean(Bool)
    /// Dates and times: the configuration uses none, so only their kind is kept for the error.
    case dateTime(String)

    /// Parses a TOML document. A syntax error carries toml++'s line and column.
    static func parse(_ text: String) throws(TOMLSyntaxError) -> [String: TOMLNode] {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw TOMLSyntaxError(message: error.description, line: error.source.begin.line,
                                  column: error.source.begin.column)
        } catch {
            throw TOMLSyntaxError(message: "\(error)", line: nil, column: nil)
        }
        return withExtendedLifetime(table) { convert(table) }
    }

    private static func convert(_ table: TOMLTable) -> [String: TOMLNode] {
        var entries: [String: TOMLNode] = [:]
        for (key, value) in table {
            entries[key] = convert(value)
        }
        return entries
    }

    private static func convert(_ value: any TOMLValueConvertible) -> TOMLNode {
        switch value.type {
        case .table: return .table(value.table.map(convert) ?? [:])
        case .array: return .array(value.array.map { $0.map(convert) } ?? [])
        case .string: return .string(value.string ?? "")
        case .int: return .integer(value.int ?? 0)
        case .double: return .float(value.double ?? 0)
        case .bool: return .boolean(value.bool ?? false)
        case .date, .time, .dateTime: return .dateTime(value.debugDescription)
        }
    }

    /// The TOML type name, for error messages ("expected a string, found an integer").
    var kindDescription: String {
        switch self {
        case .table: "a table"
        case .array: "an array"
        case .string: "a string"
        case .integer: "an integer"
        case .float: "a float"
        case .boolean: "a boolean"
        case .dateTime: "a date/time"
        }
    }
}

struct TOMLSyntaxError: Error, Sendable {
    let message: String
    let line: Int?
    let column: Int?
}
