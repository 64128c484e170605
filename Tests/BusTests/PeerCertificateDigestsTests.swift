import NIOCore
import NIOEmbedded
import Testing
@testable import Gateway

/// The bus remembers each connection's certificate digest only while the connection lives.
@Suite("bus: certificate digests per connection")
struct PeerCertificateDigestsTests {
    @Test("a connection's answer is kept while it is open and forgotten when it closes")
    func entryLeavesWithTheConnection() async throws {
        let digests = PeerCertificateDigests()
        let channel = EmbeddedChannel()
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 443)).get()
        // No TLS handler: no certificate, and that answer is what is kept.
        #expect(await digests.fingerprint(of: channel) == nil)
        #expect(await digests.fingerprint(of: channel) == nil)
        #expect(digests.count == 1)
        let other = EmbeddedChannel()
        try await other.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 443)).get()
        _ = await digests.fingerprint(of: other)
        #expect(digests.count == 2)

        // An embedded channel's loop runs what was scheduled on it when told to.
        _ = try await channel.close().get()
        channel.embeddedEventLoop.run()
        #expect(digests.count == 1)
        _ = try await other.close().get()
        other.embeddedEventLoop.run()
        #expect(digests.count == 0)
    }

    @Test("a connection already closed is answered but not remembered")
    func closedConnectionIsNotKept() async throws {
        let digests = PeerCertificateDigests()
        let channel = EmbeddedChannel()
        _ = await digests.fingerprint(of: channel)
        #expect(digests.count == 0)
    }
}
