import Foundation

/// Free loopback ports for a demo network whose nodes take ports from a base (`--port-base`):
/// `bench exchange` and the end-to-end tests pick one this way.
public enum LoopbackPorts {
    /// The first of `count` consecutive TCP ports on 127.0.0.1 that were all free a moment ago.
    /// Bounded: 200 tries.
    public static func freeBlock(count: Int) -> Int? {
        for _ in 0..<200 {
            let base = Int.random(in: 20_000...(60_000 - count))
            if (base..<base + count).allSatisfy(isFree) { return base }
        }
        return nil
    }

    /// Whether a listener could bind 127.0.0.1:`port` right now. With `SO_REUSEADDR`, as the
    /// servers set it: connections of a stopped listener still in TIME_WAIT do not make its
    /// port taken (a demo restarted at once must find its ports free).
    public static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var reuse: Int32 = 1
        guard setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size)) == 0 else { return false }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let length = socklen_t(MemoryLayout<sockaddr_in>.size)
        return withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } } == 0
    }
}
