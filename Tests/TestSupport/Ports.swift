import Foundation
import Synchronization

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

/// A TCP port on 127.0.0.1 that was free a moment ago, for a server a test starts. Never the same
/// port twice in one test run, and never from the kernel's ephemeral range: a port there can be
/// taken between this answer and the server's bind by another test's port-0 listener or by the
/// local end of any outgoing connection. Both happened in CI: a test's bus found another test's
/// server on its port (session 13), and a restarted daemon failed with EADDRINUSE (session 14).
/// Nor from the range `LoopbackPorts` takes a demo's or a bench's block from, which lies on the
/// other side of the ephemeral range.
public func freeLoopbackPort() -> Int {
    testPortCursor.withLock { cursor in
        // The kernel's choice is the fallback where no range is set apart for tests.
        guard let range = testPortRange else { return boundLoopbackPort(0) ?? 0 }
        for _ in 0..<range.count {
            let port = cursor
            cursor = cursor == range.upperBound ? range.lowerBound : cursor + 1
            if boundLoopbackPort(port) != nil { return port }
        }
        return boundLoopbackPort(0) ?? 0
    }
}

/// Above the ephemeral range, where `LoopbackPorts` does not go while there is room below it;
/// nil where the machine leaves too little room there.
private let testPortRange: ClosedRange<Int>? = {
    let text = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)) ?? ""
    let bounds = text.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
    let ephemeral = bounds.count == 2 ? bounds[0]...bounds[1] : 32_768...60_999
    let above = (ephemeral.upperBound + 1)...65_535
    return ephemeral.lowerBound > 10_100 && above.count >= 500 ? above : nil
}()

/// Starts at a random port of the range, so two test runs at once seldom walk the same ports.
private let testPortCursor = Mutex<Int>(testPortRange.map { Int.random(in: $0) } ?? 0)

/// Binds 127.0.0.1:`port` (0: the kernel's choice) as the servers do, with `SO_REUSEADDR`, and
/// releases it: the port bound, or nil when it could not be.
private func boundLoopbackPort(_ port: Int) -> Int? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var reuse: Int32 = 1
    guard setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size)) == 0 else { return nil }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = in_port_t(UInt16(port).bigEndian)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    guard withUnsafePointer(to: &addr, { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }) == 0,
          withUnsafeMutablePointer(to: &addr, { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }) == 0
    else { return nil }
    return Int(UInt16(bigEndian: addr.sin_port))
}
