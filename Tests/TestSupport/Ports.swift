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

/// A TCP port on 127.0.0.1 that was free a moment ago, below the kernel's ephemeral range (as
/// `LoopbackPorts` picks a demo's). A port bound to 0 comes from that range, where any process's
/// outgoing connection can take it before the test binds it: with the benches' thousands of
/// connections in the suite, a test bus once found its port taken (CI, session 11).
public func freeLoopbackPort() -> Int {
    let ephemeralStart = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8))
        .flatMap { $0.split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) } } ?? 32_768
    let candidates = 10_000..<max(10_001, ephemeralStart)
    for _ in 0..<500 {
        let port = Int.random(in: candidates)
        if loopbackPortIsFree(port) { return port }
    }
    preconditionFailure("no free loopback port below \(ephemeralStart) in 500 tries")
}

/// Whether a listener setting `SO_REUSEADDR`, as the servers do, could bind 127.0.0.1:`port` now.
private func loopbackPortIsFree(_ port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var reuse: Int32 = 1
    _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let length = socklen_t(MemoryLayout<sockaddr_in>.size)
    return withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } } == 0
}
