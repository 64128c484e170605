import Foundation

/// Reads one TOML table into typed values, naming the full key path in every error, and refuses
/// keys nobody asked for (a misspelt key is a setting silently ignored otherwise).
final class TableReader {
    let path: String
    let source: ConfigurationSource
    private let entries: [String: TOMLNode]
    private var consumed: Set<String> = []

    init(path: String, entries: [String: TOMLNode], source: ConfigurationSource) {
        self.path = path
        self.entries = entries
        self.source = source
    }

    func keyPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func error(_ key: String?, _ message: String) -> ConfigurationError {
        source.error(key.map(keyPath) ?? (path.isEmpty ? nil : path), message)
    }

    func contains(_ key: String) -> Bool { entries[key] != nil }

    private func value(_ key: String) -> TOMLNode? {
        consumed.insert(key)
        return entries[key]
    }

    private func mismatch(_ key: String, expected: String, found: TOMLNode) -> ConfigurationError {
        error(key, "expected \(expected), found \(found.kindDescription)")
    }

    // MARK: Scalars

    func string(_ key: String) throws(ConfigurationError) -> String? {
        guard let node = value(key) else { return nil }
        guard case .string(let text) = node else { throw mismatch(key, expected: "a string", found: node) }
        return text
    }

    func requiredString(_ key: String) throws(ConfigurationError) -> String {
        guard let text = try string(key) else { throw error(key, "is required") }
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { throw error(key, "must not be empty") }
        return text
    }

    func integer(_ key: String, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int? {
        guard let node = value(key) else { return nil }
        guard case .integer(let number) = node else { throw mismatch(key, expected: "an integer", found: node) }
        guard range.contains(number) else {
            throw error(key, "must be between \(range.lowerBound) and \(range.upperBound), found \(number)")
        }
        return number
    }

    func boolean(_ key: String) throws(ConfigurationError) -> Bool? {
        guard let node = value(key) else { return nil }
        guard case .boolean(let flag) = node else { throw mismatch(key, expected: "true or false", found: node) }
        return flag
    }

    /// One of a fixed set of words, e.g. `policy = "require"`.
    func choice<Choice: RawRepresentable<String> & CaseIterable>(_ key: String, as _: Choice.Type) throws(ConfigurationError) -> Choice? {
        guard let text = try string(key) else { return nil }
        guard let choice = Choice(rawValue: text) else {
            let allowed = Choice.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            throw error(key, "must be one of \(allowed), found \"\(text)\"")
        }
        return choice
    }

    func stringArray(_ key: String) throws(ConfigurationError) -> [String]? {
        guard let node = value(key) else { return nil }
        guard case .array(let items) = node else { throw mismatch(key, expected: "an array of strings", found: node) }
        var strings: [String] = []
        for (index, item) in items.enumerated() {
            guard case .string(let text) = item, !text.isEmpty else {
                throw source.error("\(keyPath(key))[\(index)]", "expected a non-empty string, found \(item.kindDescription)")
            }
            strings.append(text)
        }
        return strings
    }

    // MARK: Paths, URLs, durations, sizes

    func path(_ key: String) throws(ConfigurationError) -> URL? {
        guard let text = try string(key) else { return nil }
        guard !text.isEmpty else { throw error(key, "must not be empty") }
        return source.resolvePath(text)
    }

    func requiredPath(_ key: String) throws(ConfigurationError) -> URL {
        guard let url = try path(key) else { throw error(key, "is required") }
        return url
    }

    func paths(_ key: String) throws(ConfigurationError) -> [URL]? {
        try stringArray(key).map { $0.map(source.resolvePath) }
    }

    /// An `http` or `https` URL with a host.
    func httpURL(_ key: String) throws(ConfigurationError) -> URL? {
        guard let text = try string(key) else { return nil }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty,
              let url = components.url else {
            throw error(key, "must be an http:// or https:// URL with a host, found \"\(text)\"")
        }
        return url
    }

    func duration(_ key: String) throws(ConfigurationError) -> Duration? {
        guard let node = value(key) else { return nil }
        guard case .string(let text) = node, let duration = ConfigurationValues.duration(text) else {
            throw error(key, "expected a duration such as \"500ms\", \"30s\", \"5m\", \"2h\" or \"3d\", found \(Self.show(node))")
        }
        return duration
    }

    func byteSize(_ key: String) throws(ConfigurationError) -> Int? {
        guard let node = value(key) else { return nil }
        switch node {
        case .integer(let bytes) where bytes > 0:
            return bytes
        case .string(let text):
            if let bytes = ConfigurationValues.byteSize(text), bytes > 0 { return bytes }
        default:
            break
        }
        throw error(key, "expected a positive size in bytes or a string such as \"512KiB\", \"25MiB\", \"1GiB\", found \(Self.show(node))")
    }

    // MARK: Secrets

    /// A secret named by `<base>_env` (an environment variable) or `<base>_file` (a file holding
    /// it). A secret written into the configuration itself (`<base> = "…"`) is refused: the file
    /// is often world-readable, copied around and committed.
    func secret(_ base: String) throws(ConfigurationError) -> SecretReference? {
        if entries[base] != nil {
            consumed.insert(base)
            throw error(base, "secrets are not read from the configuration file; name an environment variable with \(base)_env or a file with \(base)_file")
        }
        let variable = try string("\(base)_env")
        let file = try path("\(base)_file")
        switch (variable, file) {
        case (nil, nil):
            return nil
        case (let name?, nil):
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                throw error("\(base)_env", "must be an environment variable name (letters, digits, _), found \"\(name)\"")
            }
            return SecretReference(keyPath: keyPath("\(base)_env"), line: source.lines.line(of: keyPath("\(base)_env")),
                                   source: .environment(name))
        case (nil, let url?):
            return SecretReference(keyPath: keyPath("\(base)_file"), line: source.lines.line(of: keyPath("\(base)_file")),
                                   source: .file(url))
        case (_?, _?):
            throw error("\(base)_env", "give either \(base)_env or \(base)_file, not both")
        }
    }

    // MARK: Nested tables

    func table(_ key: String) throws(ConfigurationError) -> TableReader? {
        guard let node = value(key) else { return nil }
        guard case .table(let entries) = node else { throw mismatch(key, expected: "a table", found: node) }
        return TableReader(path: keyPath(key), entries: entries, source: source)
    }

    /// `[[key]]` blocks, in order.
    func tableArray(_ key: String) throws(ConfigurationError) -> [TableReader] {
        guard let node = value(key) else { return [] }
        guard case .array(let items) = node else { throw mismatch(key, expected: "an array of tables ([[\(key)]])", found: node) }
        var readers: [TableReader] = []
        for (index, item) in items.enumerated() {
            let itemPath = "\(keyPath(key))[\(index)]"
            guard case .table(let entries) = item else {
                throw source.error(itemPath, "expected a table, found \(item.kindDescription)")
            }
            readers.append(TableReader(path: itemPath, entries: entries, source: source))
        }
        return readers
    }

    /// Refuses any key that was never read.
    func finish() throws(ConfigurationError) {
        if let unknown = entries.keys.filter({ !consumed.contains($0) }).sorted().first {
            throw error(unknown, "is not a known key here")
        }
    }

    private static func show(_ node: TOMLNode) -> String {
        switch node {
        case .string(let text): "\"\(text)\""
        case .integer(let number): "\(number)"
        default: node.kindDescription
        }
    }
}
