import Foundation

/// CPU time (user + system, all threads) used by this process, or by the child processes it has
/// waited for (the `openssl` and `xmlsec1` references of the signature benchmarks).
enum ProcessCPU {
    enum Whose {
        case this, children
    }

    static func seconds(_ whose: Whose) -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(whose == .this ? RUSAGE_SELF.rawValue : RUSAGE_CHILDREN.rawValue), &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1_000_000 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
