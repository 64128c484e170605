import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTLS
import Logging
import ServiceLifecycle
import NIOCore
import NIOSSL

/// A request as the test bus received it.
struct RecordedRequest: Sendable {
    let method: String
    let path: String
    let headers: [(name: String, value: String)]
    let body: [UInt8]
    /// The client's TCP port: one value per connection.
    let remotePort: Int

    /// The call name: the last path component (`/vdxp/sendEdoc` → `sendEdoc`).
    var call: String { String(path.split(separator: "/").last ?? "") }

    func header(_ name: String) -> String? { headers(name).first }

    func headers(_ name: String) -> [String] {
        headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }
}

struct BusReply: Sendable {
    var status: Int = 200
    var headers: [(name: String, value: String)] = [("Content-Type", "application/json")]
    var body: [UInt8] = []
    /// Held this long before answering (a slow bus).
    var delay: Duration? = nil

    static func json(_ text: String, status: Int = 200, headers: [(name: String, value: String)] = [], delay: Duration? = nil) -> BusReply {
        BusReply(status: status, headers: [("Content-Type", "application/json")] + headers, body: Array(text.utf8), delay: delay)
    }
}

typealias BusBehaviour = @Sendable (RecordedRequest) async -> BusReply

/// What the test bus saw: every request, and how many were being handled at once.
actor BusRecorder {
    private(set) var requests: [RecordedRequest] = []
    private(set) var inFlight = 0
    private(set) var maxInFlight = 0

    func begin(_ request: RecordedRequest) {
        requests.append(request)
        inFlight += 1
        maxInFlight = max(maxInFlight, inFlight)
    }

    func end() { inFlight -= 1 }

    var connectionCount: Int { Set(requests.map(\.remotePort)).count }
}

struct BusContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let remotePort: Int

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remotePort = source.channel.remoteAddress?.port ?? -1
    }
}

/// A real HTTPS server on 127.0.0.1 (Hummingbird + NIOSSL) that requires a client certificate
/// from the test CA, records what it receives and answers as the test's behaviour says.
final class TestBus: Sendable {
    enum Identity { case trusted, rogue }

    let port: Int
    let recorder: BusRecorder
    private let task: Task<Void, any Error>
    private let group: ServiceGroup

    var baseURL: String { "https://127.0.0.1:\(port)/vdxp" }

    private init(port: Int, recorder: BusRecorder, task: Task<Void, any Error>, group: ServiceGroup) {
        self.group = group
        self.port = port
        self.recorder = recorder
        self.task = task
    }

    static func start(pki: TestPKI, identity: Identity = .trusted, behaviour: @escaping BusBehaviour) async throws -> TestBus {
        let certificate = identity == .trusted ? pki.serverCertificate : pki.rogueServerCertificate
        let key = identity == .trusted ? pki.serverKey : pki.rogueServerKey
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificate.path).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: key.path, format: .pem)))
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(pki.caCertificate.path))
        tls.certificateVerification = .noHostnameVerification   // a client certificate is required and checked
        // A client idle in its connection cache does not answer close_notify; without this the
        // server's graceful shutdown waits NIOSSL's default 5 s for it.
        tls.shutdownTimeout = .milliseconds(100)

        let recorder = BusRecorder()
        let responder = CallbackResponder<BusContext> { request, context in
            var request = request
            let body = try await request.collectBody(upTo: 32 << 20)
            let recorded = RecordedRequest(
                method: request.method.rawValue, path: request.uri.path,
                headers: request.headers.map { ($0.name.rawName, $0.value) },
                body: Array(body.readableBytesView), remotePort: context.remotePort)
            await recorder.begin(recorded)
            let reply = await behaviour(recorded)
            if let delay = reply.delay { try? await Task.sleep(for: delay) }
            await recorder.end()
            var headers = HTTPFields()
            for (name, value) in reply.headers {
                if let fieldName = HTTPField.Name(name) { headers.append(HTTPField(name: fieldName, value: value)) }
            }
            return Response(status: .init(code: reply.status), headers: headers,
                            body: .init(byteBuffer: ByteBuffer(bytes: reply.body)))
        }
        let (ports, portSink) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "test-bus")
        logger.logLevel = .critical
        let app = Application(
            responder: responder,
            server: try .tls(.http1(), tlsConfiguration: tls),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portSink.yield(channel.localAddress?.port ?? 0)
                portSink.finish()
            },
            logger: logger)
        // Stopped by graceful shutdown, never by cancelling the server task: NIO traps when a
        // connection is accepted while its server channel is torn down by cancellation.
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            await group.triggerGracefulShutdown()
            throw OpenSSLFailed(description: "the test bus did not start")
        }
        return TestBus(port: port, recorder: recorder, task: task, group: group)
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}

/// Starts a bus, runs the body, stops the bus whatever happens.
func withTestBus<T>(pki: TestPKI, identity: TestBus.Identity = .trusted, behaviour: @escaping BusBehaviour,
                    _ body: (TestBus) async throws -> T) async throws -> T {
    let bus = try await TestBus.start(pki: pki, identity: identity, behaviour: behaviour)
    do {
        let result = try await body(bus)
        await bus.stop()
        return result
    } catch {
        await bus.stop()
        throw error
    }
}
