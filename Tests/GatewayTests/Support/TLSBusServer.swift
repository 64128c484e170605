import Foundation
import Spawn
import TestSupport

/// `openssl s_server` on 127.0.0.1 standing in for the bus's TLS front: its certificate, and a
/// client certificate from `clientCA` required (`-Verify`). `-www` answers any GET with 200, so
/// a doctor probe that gets through TLS sees an HTTP answer. Killed when dropped.
final class TLSBusServer: Sendable {
    let port: Int
    private let child: ChildProcess

    init(certificate: URL, key: URL, clientCA: URL) throws {
        port = freeLoopbackPort()
        child = try ChildProcess("/usr/bin/openssl", ["s_server", "-accept", "127.0.0.1:\(port)", "-cert", certificate.path,
                                                      "-key", key.path, "-CAfile", clientCA.path, "-Verify", "1", "-www", "-quiet"],
                                 stdout: .null, stderr: .null)
        // Bounded: up to 10 s for openssl to listen.
        for _ in 0..<200 where !Self.accepts(port: port) && child.isRunning { usleep(50_000) }
        guard Self.accepts(port: port) else {
            stop()
            throw POSIXError(.ECONNREFUSED)
        }
    }

    func stop() { child.kill() }

    deinit { stop() }

    private static func accepts(port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }
}
