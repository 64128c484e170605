import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTLS
import LibCrypto
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle

/// What an agency's bus endpoint received from the bus.
struct PushedEnvelope: Sendable {
    let path: String
    let body: [UInt8]
    let contentType: String?
    /// SHA-256 of the TLS client certificate the bus presented.
    let clientCertificateSHA256: String?
    let headers: HTTPFields
}

actor PushRecorder {
    private(set) var received: [PushedEnvelope] = []
    func record(_ envelope: PushedEnvelope) { received.append(envelope) }
}

struct PushContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}

/// A gateway's bus endpoint as the bus sees it: a real HTTPS server on 127.0.0.1 that requires a
/// client certificate from the development CA, records what is pushed and answers 202 (with
/// `answer`'s headers and body for the pushed body when it gives them, as a gateway answering
/// a status would).
final class PushEndpoint: Sendable {
    let port: Int
    let recorder: PushRecorder
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    var url: String { "https://127.0.0.1:\(port)" }

    private init(port: Int, recorder: PushRecorder, group: ServiceGroup, task: Task<Void, any Error>) {
        self.port = port
        self.recorder = recorder
        self.group = group
        self.task = task
    }

    static func start(pki: URL, answer: (@Sendable ([UInt8]) -> (headers: HTTPFields, body: [UInt8])?)? = nil) async throws -> PushEndpoint {
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(pki.appendingPathComponent("tls-server.pem").path).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: pki.appendingPathComponent("tls-server.key").path, format: .pem)))
        tls.trustRoots = .file(pki.appendingPathComponent("trust.pem").path)
        tls.certificateVerification = .noHostnameVerification
        tls.shutdownTimeout = .milliseconds(100)
        let recorder = PushRecorder()
        let responder = CallbackResponder<PushContext> { request, context in
            var request = request
            let body = try await request.collectBody(upTo: 32 << 20)
            let certificate = try? await context.channel.nioSSL_peerCertificate().get()
            let fingerprint = (try? certificate?.toDERBytes()).flatMap { $0 }.map { SHA256Hasher.hexDigest($0) }
            let bytes = Array(body.readableBytesView)
            await recorder.record(PushedEnvelope(path: request.uri.path, body: bytes,
                                                 contentType: request.headers[.contentType],
                                                 clientCertificateSHA256: fingerprint, headers: request.headers))
            if let (headers, body) = answer?(bytes) {
                return Response(status: .accepted, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
            }
            return Response(status: .accepted, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(string: #"{"id":"pushed","duplicate":false}"#)))
        }
        let (ports, sink) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "push-endpoint")
        logger.logLevel = .critical
        let app = Application(responder: responder, server: try .tls(.http1(), tlsConfiguration: tls),
                              configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in
                                  sink.yield(channel.localAddress?.port ?? 0)
                                  sink.finish()
                              },
                              logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            await group.triggerGracefulShutdown()
            throw BusTestFailure("the push endpoint did not start")
        }
        return PushEndpoint(port: port, recorder: recorder, group: group, task: task)
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}

struct BusTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
