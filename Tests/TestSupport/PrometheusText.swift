/// The samples of a Prometheus text exposition (format 0.0.4) by their full series text
/// (`name{labels}`), for tests that read `/metrics`. Strict: a malformed line, a sample whose
/// family has no `# TYPE` line before it, or a name outside `[A-Za-z0-9_:]` is an error.
public enum PrometheusText {
    public struct Malformed: Error, CustomStringConvertible {
        public let description: String
    }

    public static func samples(_ text: String) throws -> [String: Double] {
        var types: [String: String] = [:]
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                guard parts.count == 4 else { throw Malformed(description: "TYPE line: \(line)") }
                types[String(parts[2])] = String(parts[3])
                continue
            }
            if line.hasPrefix("#") { continue }
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                throw Malformed(description: "sample line: \(line)")
            }
            let series = String(line[..<space])
            let name = String(series.prefix { $0 != "{" })
            let family = ["_bucket", "_sum", "_count"].reduce(name) { name, suffix in
                types[name] == nil && name.hasSuffix(suffix) ? String(name.dropLast(suffix.count)) : name
            }
            guard types[family] != nil else { throw Malformed(description: "no # TYPE for \(name)") }
            guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" }) else {
                throw Malformed(description: "metric name \(name)")
            }
            samples[series] = value
        }
        return samples
    }
}
