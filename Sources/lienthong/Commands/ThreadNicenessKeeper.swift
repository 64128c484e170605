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
    private let niceness: Int
    private let pids: [pid_t]

    init(niceness: Int, pids: [pid_t]) {
        self.niceness = niceness
        self.pids = pids
        let thread = Thread { [self] in
            while !stopped.load(ordering: .relaxed) {
                reniceAll()
                Thread.sleep(forTimeInterval: 0.1)
            }
        }
        thread.name = "lienthong.bench-nice"
        thread.start()
    }

    /// Each process's niceness (its threads' lowest) once they are all at the niceness kept.
    /// A thread libdispatch started or moved to another QoS since the keeper's last pass shows
    /// its own niceness until the next one, so this makes a pass of its own before reading, and
    /// makes another (at most four in all) when a thread changed between the pass and the read.
    func settledNiceness() -> [pid_t: Int] {
        var read: [pid_t: Int] = [:]
        for _ in 0..<4 {
            reniceAll()
            read = Dictionary(uniqueKeysWithValues: pids.compactMap { pid in ProcessCPU.niceness(pid).map { (pid, $0) } })
            if read.values.allSatisfy({ $0 >= niceness }) { break }
        }
        return read
    }

    func stop() {
        stopped.store(true, ordering: .relaxed)
    }

    private func reniceAll() {
        for pid in pids { Self.renice(pid, to: niceness) }
    }

    private static func renice(_ pid: pid_t, to niceness: Int) {
        for tid in ProcessCPU.threads(of: pid) {
            // A thread that ended meanwhile is no error worth reporting.
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(tid), Int32(niceness))
        }
    }
}
