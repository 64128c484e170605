import Foundation
import Synchronization

/// Keeps every thread of some processes at a niceness, for `bench exchange --nice-others`.
///
/// Starting them through `nice -n` is not enough: libdispatch sets a worker thread's niceness
/// from the QoS of the queue it serves (absolute values, -4 to 0 for the queues the nodes use),
/// and starts and ends worker threads as load changes. So a thread of its own sets every thread
/// of the processes to the niceness ten times a second, until `stop`.
final class ThreadNicenessKeeper: Sendable {
    private let stopped = Atomic<Bool>(false)

    init(niceness: Int, pids: [pid_t]) {
        let thread = Thread { [self] in
            while !stopped.load(ordering: .relaxed) {
                for pid in pids { Self.renice(pid, to: niceness) }
                Thread.sleep(forTimeInterval: 0.1)
            }
        }
        thread.name = "lienthong.bench-nice"
        thread.start()
    }

    func stop() {
        stopped.store(true, ordering: .relaxed)
    }

    private static func renice(_ pid: pid_t, to niceness: Int) {
        for tid in ProcessCPU.threads(of: pid) {
            // A thread that ended meanwhile is no error worth reporting.
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(tid), Int32(niceness))
        }
    }
}
