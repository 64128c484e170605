import Foundation

/// The processor a bench ran on, from `/proc/cpuinfo`, for its report: the same code needed 6 ms
/// of CPU per document on one host and 8–9 ms on another, whose RSA signing was three times
/// slower (docs/perf/exchange.md, session 21).
enum HostDescription {
    /// "AMD EPYC, 2 CPUs at 2445 MHz"; the parts `/proc/cpuinfo` does not give are left out.
    static func text() -> String {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let cpus = ProcessInfo.processInfo.activeProcessorCount
        func first(_ key: String) -> String? {
            for line in cpuinfo.split(separator: "\n") {
                let parts = line.split(separator: ":", maxSplits: 1)
                if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == key {
                    return parts[1].trimmingCharacters(in: .whitespaces)
                }
            }
            return nil
        }
        let model = first("model name") ?? "processor unknown"
        let clock = first("cpu MHz").flatMap(Double.init).map { String(format: " at %.0f MHz", $0) } ?? ""
        return "\(model), \(cpus) CPU\(cpus == 1 ? "" : "s")\(clock)"
    }
}
