import Foundation
import Hummingbird
import HummingbirdTLS
import Logging
import ServiceLifecycle

/// A local HTTPS bus for `bench relay`: requires a client certificate from the bench CA, reads
/// each body and answers VDXP's `{"status":"OK",…}`.
struct BenchRelayServer {
    let port: Int
    private let task: Task<Void, any Error>
    private let group: ServiceGroup

    static func start(pki: BenchRelayPKI) async throws -> BenchRelayServer {
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(pki.serverCertificate.path).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: pki.serverKey.path, format: .pem)))
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(pki.ca.path))
        tls.certificateVerification = .noHostnameVerification
        // A client idle in its connection cache does not answer close_notify; without this the
        // server's graceful shutdown waits NIOSSL's default 5 s for it.
        tls.shutdownTimeout = .milliseconds(100)
        let reply = ByteBuffer(string: #"{"status":"OK","ErrorCode":"0","ErrorDesc":"","DocId":"bench"}"#)
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            var request = request
            _ = try await request.collectBody(upTo: 64 << 20)
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: reply))
        }
        let (ports, sink) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "bench-bus")
        logger.logLevel = .critical
        let app = Application(responder: responder, server: try .tls(.http1(), tlsConfiguration: tls),
                              configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { sink.yield($0.localAddress?.port ?? 0); sink.finish() },
                              logger: logger)
        // Stopped by graceful shutdown, never by cancelling the server task: NIO traps when a
        // connection is accepted while its server channel is torn down by cancellation.
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            await group.triggerGracefulShutdown()
            throw CommandFailure.internalError("bench.server_failed", "the local bench bus did not start")
        }
        return BenchRelayServer(port: port, task: task, group: group)
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}
