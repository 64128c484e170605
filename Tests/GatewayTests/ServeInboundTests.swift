import Foundation
import Gateway
import HTTPTypes
import HummingbirdTesting
import NIOCore
import NIOSSL
import Testing
import TestSupport

/// The inbound flow in a real `lienthong serve` process: the bus pushes over mutual TLS, the unit
/// pulls over the unit API, the operator looks with the CLI.
@Suite("lienthong serve: inbound")
struct ServeInboundTests {
    func client(port: Int, tls: TLSConfiguration? = nil) -> TestClient {
        TestClient(host: "127.0.0.1", port: port,
                   configuration: .init(tlsConfiguration: tls, timeout: .seconds(10), serverName: tls == nil ? nil : "localhost"))
    }

    /// Sends the request once the daemon answers (bounded: about 10 s of connection attempts).
    func whenUp(port: Int, tls: TLSConfiguration?, _ request: @escaping (TestClient) async throws -> TestClient.Response) async throws -> TestClient.Response? {
        for _ in 0..<100 {
            let client = client(port: port, tls: tls)
            client.connect()
            let response = try? await request(client)
            try? await client.shutdown()
            if let response { return response }
            try await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }

    @Test("a pushed document is verified, stored once when pushed twice, pulled by its unit; a tampered one is refused and listed")
    func pushAndPull() async throws {
        let directory = try TemporaryDirectory(prefix: "lienthong-serve-inbound")
        defer { directory.remove() }
        let tls = try TestPKI.make(in: directory.url)
        var text = InboundNode.configuration()
        text.unitPort = freeLoopbackPort()
        let busPort = freeLoopbackPort()
        text.busExtra = "delivery = \"push\""
        text.busEndpoint = """
        address = "127.0.0.1"
        port = \(busPort)
        [listeners.bus_endpoint.tls]
        certificate_file = "server.crt"
        key_file = "server.key"
        client_ca_file = "ca.crt"
        """
        let file = try InboundNode.write(text, in: directory)
        let daemon = try DaemonProcess(configuration: file, directory: directory.url)
        defer { _ = daemon.stop(signal: SIGKILL, timeout: 5) }

        let staging = try InboundNode()
        defer { staging.remove() }
        let signer = try InboundPKI.signer(try InboundPKI.trusted.get(), InboundNode.sender)
        let envelope = try staging.envelope(signer: signer)

        var bus = TLSConfiguration.makeClientConfiguration()
        bus.trustRoots = .file(tls.caCertificate.path)
        bus.certificateChain = try NIOSSLCertificate.fromPEMFile(tls.clientCertificate.path).map { .certificate($0) }
        bus.privateKey = .privateKey(try NIOSSLPrivateKey(file: tls.clientKey.path, format: .pem))
        let push: (TestClient) async throws -> TestClient.Response = { client in
            try await client.post("/bus/v1/edoc", headers: [.contentType: "application/xml"], body: ByteBuffer(bytes: envelope))
        }
        let first = try #require(try await whenUp(port: busPort, tls: bus, push), "\(daemon.stderr)")
        #expect(first.status == .accepted)
        let second = try #require(try await whenUp(port: busPort, tls: bus, push))
        #expect(second.status == .ok, "the same message again is acknowledged, not stored")

        var tampered = envelope
        if let index = tampered.firstIndex(of: UInt8(ascii: "2")) { tampered[index] = UInt8(ascii: "9") }
        let refused = try #require(try await whenUp(port: busPort, tls: bus) { client in
            try await client.post("/bus/v1/edoc", headers: [.contentType: "application/xml"], body: ByteBuffer(bytes: tampered))
        })
        #expect(refused.status == .unprocessableContent)
        #expect(String(buffer: refused.body ?? ByteBuffer()).contains("signature.digest_mismatch"))

        let list = try #require(try await whenUp(port: text.unitPort, tls: nil) { client in
            try await client.get("/v1/inbox", headers: [.authorization: "Bearer \(InboundNode.officeToken)"])
        })
        #expect(list.status == .ok)
        let body = try JSONSerialization.jsonObject(with: Data(buffer: list.body ?? ByteBuffer())) as? [String: Any]
        let items = body?["items"] as? [[String: Any]] ?? []
        #expect(items.count == 1)
        #expect(items.first?["verdict"] as? String == "valid")

        let refusals = try await runCommand(Paths.binary, ["inbox", "refused", "--config", file.path])
        #expect(refusals.status == 0)
        #expect(refusals.stdout.contains("signature.digest_mismatch"))
        let queue = try await runCommand(Paths.binary, ["queue", "ls", "--to", InboundNode.sender, "--config", file.path])
        #expect(queue.stdout.split(separator: "\n").count == 3, "a header, the 01 and the 02 to the sender:\n\(queue.stdout)")
        #expect(await daemon.stop(signal: SIGTERM) == 0, "\(daemon.stderr)")
    }
}
