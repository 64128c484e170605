import Foundation
import NIOCore
import NIOPosix

/// Name resolution, bind and connect probes for the doctor, on real sockets.
enum SocketAddressResolver {
    struct SocketError: Error {
        let code: Int32
        var message: String { String(cString: strerror(code)) }
    }

    static func resolve(host: String, port: Int) -> [SocketAddress] {
        guard let address = try? SocketAddress.makeAddressResolvingHost(host, port: port) else { return [] }
        return [address]
    }

    /// Binds the address (with SO_REUSEADDR, as the daemon does) and closes the socket at once.
    static func canBind(_ address: SocketAddress) -> Result<Void, SocketError> {
        let family = address.protocol.rawValue
        let descriptor = socket(family, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return .failure(SocketError(code: errno)) }
        defer { close(descriptor) }
        var reuse: Int32 = 1
        _ = setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        let status = address.withSockAddr { pointer, length in bind(descriptor, pointer, socklen_t(length)) }
        return status == 0 ? .success(()) : .failure(SocketError(code: errno))
    }

    /// Opens a TCP connection to `host:port` and closes it; the error says why it could not.
    static func connect(host: String, port: Int, timeout: Duration) async -> Result<Void, any Error> {
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(TimeAmount(timeout))
        do {
            let channel = try await bootstrap.connect(host: host, port: port).get()
            try? await channel.close()
            return .success(())
        } catch {
            return .failure(error)
        }
    }
}
