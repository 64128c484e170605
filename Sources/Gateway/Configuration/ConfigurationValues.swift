/// Parsing of the small value languages the configuration uses: durations and byte sizes.
enum ConfigurationValues {
    /// `"500ms"`, `"30s"`, `"5m"`, `"2h"`, `"3d"` (a whole number and one unit).
    static func duration(_ text: String) -> Duration? {
        let units: [(suffix: String, milliseconds: Int64)] = [
            ("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000),
        ]
        for unit in units where text.hasSuffix(unit.suffix) {
            let number = text.dropLast(unit.suffix.count)
            guard !number.isEmpty, number.allSatisfy(\.isASCII), let value = Int64(number), value >= 0,
                  value <= Int64.max / unit.milliseconds / 1_000 else { continue }
            return .milliseconds(value * unit.milliseconds)
        }
        return nil
    }

    /// `"512B"`, `"64KiB"`, `"25MiB"`, `"1GiB"`, or decimal `"10KB"`, `"10MB"`, `"1GB"`.
    static func byteSize(_ text: String) -> Int? {
        let units: [(suffix: String, factor: Int)] = [
            ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30),
            ("KB", 1_000), ("MB", 1_000_000), ("GB", 1_000_000_000), ("B", 1),
        ]
        for unit in units where text.hasSuffix(unit.suffix) {
            let number = text.dropLast(unit.suffix.count).trimmingPrefixSpaces()
            guard !number.isEmpty, number.allSatisfy(\.isASCII), let value = Int(number), value >= 0 else { return nil }
            let (bytes, overflow) = value.multipliedReportingOverflow(by: unit.factor)
            return overflow ? nil : bytes
        }
        return nil
    }
}

private extension Substring {
    func trimmingPrefixSpaces() -> Substring {
        var view = self
        while view.last == " " { view = view.dropLast() }
        return view
    }
}
