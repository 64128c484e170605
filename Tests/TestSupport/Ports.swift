import Foundation

/// Waits until something accepts TCP connections on 127.0.0.1:`port` (bounded by `timeout`);
/// false if nothing did. For servers a test starts in a task before pointing a daemon at them.
/// 60 s: a listener in the test process itself starts on the cooperative pool, which the rest of
/// the suite can keep busy on two cores for longer than the 15 s this was (seen once in CI).
public func waitForLoopbackListener(port: Int, timeout: Duration = .seconds(60)) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let connected = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, length) } } == 0
        close(fd)
        if connected { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return false
}
