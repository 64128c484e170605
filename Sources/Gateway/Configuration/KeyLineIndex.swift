/// Where each key of a TOML document was written, found by reading the text line by line.
/// TOMLKit gives positions only for syntax errors; this index lets a value error name its line too.
/// It understands table headers, arrays of tables and (dotted) keys; a key it cannot place simply
/// gets no line number.
struct KeyLineIndex: Sendable {
    private var lines: [String: Int] = [:]

    init(text: String) {
        var currentTable = ""
        var arrayCounts: [String: Int] = [:]
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = offset + 1
            let line = rawLine.trimmingCharacters(in: " \t\r")
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("[["), let end = line.range(of: "]]") {
                let name = Self.normalise(String(line[line.index(line.startIndex, offsetBy: 2)..<end.lowerBound]))
                let index = arrayCounts[name, default: 0]
                arrayCounts[name] = index + 1
                currentTable = "\(name)[\(index)]"
                record(currentTable, lineNumber)
            } else if line.hasPrefix("["), let end = line.firstIndex(of: "]") {
                currentTable = Self.resolveArrayPrefix(Self.normalise(String(line[line.index(after: line.startIndex)..<end])),
                                                       counts: arrayCounts)
                record(currentTable, lineNumber)
            } else if let equals = line.firstIndex(of: "=") {
                let key = Self.normalise(String(line[..<equals]))
                guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || "_-.".contains($0) }) else { continue }
                record(currentTable.isEmpty ? key : "\(currentTable).\(key)", lineNumber)
            }
        }
    }

    /// The line of `keyPath`, or of the nearest enclosing table that has one.
    func line(of keyPath: String) -> Int? {
        var path = keyPath
        while !path.isEmpty {
            if let line = lines[path] { return line }
            guard let cut = path.lastIndex(where: { $0 == "." || $0 == "[" }) else { break }
            path = String(path[..<cut])
        }
        return nil
    }

    private mutating func record(_ path: String, _ line: Int) {
        if lines[path] == nil { lines[path] = line }
    }

    private static func normalise(_ key: String) -> String {
        key.split(separator: ".").map { $0.trimmingCharacters(in: " \t\"'") }.joined(separator: ".")
    }

    /// `[units.tls]` after `[[units]]` belongs to the latest unit: `units[n].tls`.
    private static func resolveArrayPrefix(_ name: String, counts: [String: Int]) -> String {
        let names = name.split(separator: ".").map(String.init)
        var parts = names
        var prefix = ""
        for index in names.indices {
            prefix = prefix.isEmpty ? names[index] : "\(prefix).\(names[index])"
            if let count = counts[prefix], count > 0, index < parts.count - 1 {
                parts[index] += "[\(count - 1)]"
            }
        }
        return parts.joined(separator: ".")
    }
}

private extension String {
    func trimmingCharacters(in set: String) -> String {
        var view = Substring(self)
        while let first = view.first, set.contains(first) { view = view.dropFirst() }
        while let last = view.last, set.contains(last) { view = view.dropLast() }
        return String(view)
    }
}

private extension Substring {
    func trimmingCharacters(in set: String) -> String { String(self).trimmingCharacters(in: set) }
}
