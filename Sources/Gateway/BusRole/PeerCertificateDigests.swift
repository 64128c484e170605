import LibCrypto
import NIOCore
import NIOSSL
import Synchronization

/// The SHA-256 of each TLS connection's client certificate, worked out on its first request.
///
/// Asking NIOSSL for the peer certificate is a round trip to the connection's event loop (a
/// future completed there, the task resumed on another thread), and a keep-alive connection
/// carries thousands of requests from the same certificate. The entry leaves with the connection.
final class PeerCertificateDigests: Sendable {
    private let digests = Mutex<[ObjectIdentifier: String?]>([:])

    /// The fingerprint of `channel`'s peer certificate; nil on a plain connection or without one.
    func fingerprint(of channel: any Channel) async -> String? {
        let key = ObjectIdentifier(channel)
        if let known = digests.withLock({ $0[key] }) { return known }
        let fingerprint = await Self.compute(channel)
        let added = digests.withLock { digests in
            guard channel.isActive else { return false }
            return digests.updateValue(fingerprint, forKey: key) == nil
        }
        if added {
            channel.closeFuture.whenComplete { [weak self] _ in
                self?.digests.withLock { _ = $0.removeValue(forKey: key) }
            }
        }
        return fingerprint
    }

    var count: Int { digests.withLock { $0.count } }

    private static func compute(_ channel: any Channel) async -> String? {
        guard let certificate = try? await channel.nioSSL_peerCertificate().get(),
              let der = try? certificate.toDERBytes() else { return nil }
        return SHA256Hasher.hexDigest(der)
    }
}
