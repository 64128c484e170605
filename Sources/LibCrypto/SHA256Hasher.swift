import Foundation

/// SHA-256 fed in pieces, so large files never sit in memory whole: the `Digest` of this module,
/// named for the one algorithm blobs, attachments and tokens use.
public final class SHA256Hasher: @unchecked Sendable {
    private let digest = Digest(.sha256)

    public init() {}

    public func update<Bytes: ContiguousBytes>(_ bytes: Bytes) { digest.update(bytes) }

    /// The 32-byte digest. The hasher is spent afterwards.
    public func finish() -> [UInt8] { digest.finish() }

    public func finishHex() -> String { Hex.encode(finish()) }

    public static func digest<Bytes: ContiguousBytes>(_ bytes: Bytes) -> [UInt8] { SHA256.hash(bytes) }

    public static func hexDigest<Bytes: ContiguousBytes>(_ bytes: Bytes) -> String { SHA256.hex(bytes) }
}
