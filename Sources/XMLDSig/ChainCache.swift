import Foundation
import LibCrypto
import Synchronization

/// Remembers trusted chains by the fingerprint of the KeyInfo certificates, so a busy verifier
/// does not rebuild the same chain for every document.
///
/// An entry is used only with the trust store (anchors + CRLs) it was computed with, and only
/// until the earliest of: its lifetime, the next update of any CRL, the end of validity of any
/// certificate of the chain. A new CRL means a new `TrustStore.revision`, so no entry survives
/// a CRL update. Only trusted chains are kept; refusals are recomputed.
public final class ChainCache: Sendable {
    public let lifetime: TimeInterval
    public let capacity: Int

    struct Entry {
        let signerCertificate: Certificate
        let signer: Signer
        let publicKey: PublicKey
        let verification: ChainVerification
        let chainDescription: String
        let computedAt: Date
        var expiresAt: Date
    }

    private let entries = Mutex<[String: Entry]>([:])

    public init(lifetime: TimeInterval = 300, capacity: Int = 4096) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    func lookup(_ key: String, at time: Date) -> Entry? {
        entries.withLock { entries in
            guard let entry = entries[key] else { return nil }
            guard time >= entry.computedAt, time < entry.expiresAt else {
                entries[key] = nil
                return nil
            }
            return entry
        }
    }

    /// Keeps `entry` (computed at `entry.computedAt` with `trust`) until its earliest expiry.
    func store(_ key: String, entry: Entry, trust: TrustStore) {
        let time = entry.computedAt
        var expiry = time.addingTimeInterval(lifetime)
        if let crlUpdate = trust.earliestCRLNextUpdate { expiry = min(expiry, crlUpdate) }
        for certificate in entry.verification.chain { expiry = min(expiry, certificate.notAfter) }
        guard expiry > time else { return }
        var entry = entry
        entry.expiresAt = expiry
        entries.withLock { entries in
            if entries.count >= capacity {
                // Drop what has expired; if the cache is still full, start over rather than grow.
                entries = entries.filter { $0.value.expiresAt > time }
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[key] = entry
        }
    }

    public var count: Int { entries.withLock { $0.count } }

    public func removeAll() { entries.withLock { $0.removeAll() } }

    /// SHA-256 over the trust store's revision and the KeyInfo certificates as sent (base64 text:
    /// the same text always decodes to the same certificates, so a hit needs no decoding).
    static func key(trust: TrustStore, certificates: [[UInt8]]) -> String {
        let digest = Digest(.sha256)
        digest.update(trust.revision)
        for der in certificates {
            var length = UInt32(der.count).bigEndian
            withUnsafeBytes(of: &length) { digest.update(raw: $0) }
            digest.update(der)
        }
        return Hex.encode(digest.finish())
    }
}
