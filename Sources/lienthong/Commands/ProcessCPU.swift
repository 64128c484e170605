import Foundation

/// CPU time (user + system, all threads) used by this process, by the child processes it has
/// waited for (the `openssl` and `xmlsec1` references of the signature benchmarks), or by a
/// running process (the nodes of `bench exchange --processes`).
enum ProcessCPU {
    enum Whose {
        case this, children
        case running(pid_t)
    }

    static func seconds(_ whose: Whose) -> Double {
        switch whose {
        case .this: usageSeconds(RUSAGE_SELF)
        case .children: usageSeconds(RUSAGE_CHILDREN)
        case .running(let pid): runningSeconds(pid) ?? 0
        }
    }

    private static func usageSeconds(_ who: __rusage_who) -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(who.rawValue), &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1_000_000 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// The lowest niceness among a running process's threads (`/proc/PID/task/TID/stat` field
    /// 19): the priority its busiest-favoured thread gets. nil when it cannot be read.
    static func niceness(_ pid: pid_t) -> Int? {
        threads(of: pid).compactMap { tid in
            statFields(atPath: "/proc/\(pid)/task/\(tid)/stat").flatMap { $0.count > 16 ? Int($0[16]) : nil }
        }.min()
    }

    /// The thread ids of a running process (`/proc/PID/task`); none when it cannot be read.
    static func threads(of pid: pid_t) -> [pid_t] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []).compactMap { pid_t($0) }
    }

    /// The fields of a `stat` file of `/proc` after the command name (state first), read after
    /// the name's closing parenthesis since the name itself may hold spaces.
    private static func statFields(_ pid: pid_t) -> [Substring]? {
        statFields(atPath: "/proc/\(pid)/stat")
    }

    private static func statFields(atPath path: String) -> [Substring]? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
              let nameEnd = text.lastIndex(of: ")") else { return nil }
        return text[text.index(after: nameEnd)...].split(separator: " ")
    }

    /// utime and stime from `/proc/PID/stat` (fields 14 and 15, in clock ticks), read after the
    /// command name's closing parenthesis since the name itself may hold spaces.
    private static func runningSeconds(_ pid: pid_t) -> Double? {
        guard let fields = statFields(pid) else { return nil }
        // After the name: state is field 3, so utime (14) and stime (15) are at 11 and 12.
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
