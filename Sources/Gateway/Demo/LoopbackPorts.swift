import Foundation

/// Free loopback ports for a demo network whose nodes take ports from a base (`--port-base`):
/// `bench exchange` and the end-to-end tests pick one this way.
public enum LoopbackPorts {
    /// The first of `count` consecutive TCP ports on 127.0.0.1 that were all free a moment ago.
    /// The block lies outside the kernel's ephemeral range: a port there can be taken at any
    /// moment as the local end of some process's outgoing connection, so a network restarted on
    /// the same block could find one of its ports gone (a CI run's demo restart exited 69 so).
    /// Bounded: 200 tries.
    public static func freeBlock(count: Int) -> Int? {
        let candidates = blockBases(count: count, avoiding: ephemeralRange())
        guard !candidates.isEmpty else { return nil }
        for _ in 0..<200 {
            let base = Int.random(in: candidates)
            if (base..<base + count).allSatisfy(isFree) { return base }
        }
        return nil
    }

    /// `start` on a free block of `count` ports (given its first port), and again on another
    /// block when it fails with an error `isPortTaken` recognises, `attempts` times at most. A
    /// block free when chosen can be taken before the nodes bind it, by another network choosing
    /// overlapping ports at the same moment (two tests' networks did, in CI, session 23).
    public static func onFreeBlock<T>(count: Int, attempts: Int = 3, retryingWhen isPortTaken: (any Error) -> Bool,
                                      isolation: isolated (any Actor)? = #isolation,
                                      _ start: (Int) async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            guard let base = freeBlock(count: count) else { throw NoFreeBlock(count: count) }
            do {
                return try await start(base)
            } catch where attempt < attempts && isPortTaken(error) {
                continue
            }
        }
    }

    public struct NoFreeBlock: Error, CustomStringConvertible {
        public let count: Int
        public var description: String { "no block of \(count) free loopback ports was found" }
    }

    /// Bases of blocks that fit in 10000...65535 without touching `ephemeral`: below it when
    /// there is room for a block there, above it otherwise.
    static func blockBases(count: Int, avoiding ephemeral: ClosedRange<Int>) -> ClosedRange<Int> {
        let lowest = 10_000, highest = 65_535
        if ephemeral.lowerBound - count >= lowest { return lowest...(ephemeral.lowerBound - count) }
        if ephemeral.upperBound + count <= highest { return (ephemeral.upperBound + 1)...(highest - count + 1) }
        return lowest...(highest - count + 1)
    }

    /// The kernel's ephemeral port range (`/proc/sys/net/ipv4/ip_local_port_range`), or Linux's
    /// default where it cannot be read.
    static func ephemeralRange() -> ClosedRange<Int> {
        let text = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)) ?? ""
        let bounds = text.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        guard bounds.count == 2, bounds[0] <= bounds[1] else { return 32_768...60_999 }
        return bounds[0]...bounds[1]
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
