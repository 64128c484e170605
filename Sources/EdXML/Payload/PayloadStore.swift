import Foundation
import LibCrypto

/// Where a reader puts attachment bytes and a writer gets them back. The model only ever holds
/// a `PayloadLocation`; the bytes stay here, so a streaming reader can fill the same model.
public protocol PayloadStore: Sendable {
    /// Keeps `bytes` (whose SHA-256 is `sha256`, as `PayloadFacts` worked it out) and says where
    /// they are. A `.stored` location must give back exactly these bytes: the writer does not
    /// hash them again.
    func keep(_ bytes: Data, sha256: String) throws -> PayloadLocation
    /// The bytes at `location`.
    func bytes(at location: PayloadLocation) throws -> Data
    /// Whether a reader only measures each payload (its size, whether it is base64 and zipped)
    /// and neither decodes it into bytes nor digests it (`PayloadFacts.measured`): nothing is kept.
    var measuresSizesOnly: Bool { get }
}

extension PayloadStore {
    public var measuresSizesOnly: Bool { false }

    /// Files are readable by every store: a built document points at the files the caller attached.
    public func readFile(at location: PayloadLocation) throws -> Data? {
        guard case .file(let path) = location else { return nil }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch {
            throw Refusal("edxml.attachment_unreadable", "cannot read the attachment file \(path): \(error.localizedDescription)")
        }
    }
}

/// Measures and forgets: for inspecting and validating, where only sizes and digests matter.
/// With `digests: false` it measures sizes only: the bus and a receiving gateway check a
/// document's attachments (base64, sizes, manifest) but never use their bytes or digests, and
/// decoding and hashing each attachment was about 5 % of the network's CPU with 1 MB attachments.
public struct MeasuringPayloadStore: PayloadStore {
    public let measuresSizesOnly: Bool

    public init(digests: Bool = true) {
        measuresSizesOnly = !digests
    }

    public func keep(_ bytes: Data, sha256: String) throws -> PayloadLocation { .notKept }

    public func bytes(at location: PayloadLocation) throws -> Data {
        if let data = try readFile(at: location) { return data }
        throw Refusal("edxml.attachment_not_kept", "the attachment's bytes were measured but not kept, so they cannot be written")
    }
}

/// Keeps bytes in memory under their SHA-256 (tests, round trips, small tools).
public final class MemoryPayloadStore: PayloadStore, @unchecked Sendable {
    private let lock = NSLock()
    private var blobs: [String: Data] = [:]

    public init() {}

    public func keep(_ bytes: Data, sha256: String) throws -> PayloadLocation {
        lock.withLock { blobs[sha256] = bytes }
        return .stored(key: sha256)
    }

    public func bytes(at location: PayloadLocation) throws -> Data {
        if let data = try readFile(at: location) { return data }
        guard case .stored(let key) = location, let data = lock.withLock({ blobs[key] }) else {
            throw Refusal("edxml.attachment_missing", "no bytes are kept at \(location)")
        }
        return data
    }
}

/// Files named by SHA-256 in one directory, written before the model names them.
public struct DirectoryPayloadStore: PayloadStore {
    public let directory: URL

    public init(directory: URL) throws {
        self.directory = directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    public func keep(_ bytes: Data, sha256: String) throws -> PayloadLocation {
        let url = directory.appendingPathComponent(sha256)
        if !FileManager.default.fileExists(atPath: url.path) {
            try bytes.write(to: url, options: .atomic)
        }
        return .file(path: url.path)
    }

    public func bytes(at location: PayloadLocation) throws -> Data {
        if let data = try readFile(at: location) { return data }
        if case .stored(let key) = location, let data = FileManager.default.contents(atPath: directory.appendingPathComponent(key).path) {
            return data
        }
        throw Refusal("edxml.attachment_missing", "no bytes are kept at \(location)")
    }
}

/// Facts about a run of bytes, as the model keeps them.
public enum PayloadFacts {
    /// `PK\u{3}\u{4}`: a ZIP local file header, the mark of the library that zips each file.
    public static let zipMagic: [UInt8] = [0x50, 0x4B, 0x03, 0x04]

    public static func reference(for bytes: Data, encoding: PayloadReference.Encoding = .base64,
                                 keptIn store: any PayloadStore) throws -> PayloadReference {
        let sha = SHA256Hasher.hexDigest(bytes)
        let location = try store.keep(bytes, sha256: sha)
        return PayloadReference(decodedSize: bytes.count, sha256: sha, isZipped: encoding == .base64 && bytes.starts(with: zipMagic),
                                encoding: encoding, location: location)
    }

    /// The facts of a payload measured without its bytes: no digest, nothing kept.
    public static func measured(size: Int, head: some Collection<UInt8>, encoding: PayloadReference.Encoding = .base64) -> PayloadReference {
        PayloadReference(decodedSize: size, sha256: nil, isZipped: encoding == .base64 && head.starts(with: zipMagic),
                         encoding: encoding, location: .notKept)
    }

    /// A reference to a file on disk, measured in 1 MiB pieces.
    public static func reference(forFileAt url: URL) throws -> PayloadReference {
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            throw Refusal("edxml.attachment_unreadable", "cannot open the attachment file \(url.path)")
        }
        defer { try? handle.close() }
        let hasher = SHA256Hasher()
        var size = 0
        var head = Data()
        while true {
            let chunk = try handle.read(upToCount: 1 << 20) ?? Data()
            if chunk.isEmpty { break }
            if head.count < 4 { head.append(chunk.prefix(4 - head.count)) }
            hasher.update(chunk)
            size += chunk.count
        }
        return PayloadReference(decodedSize: size, sha256: hasher.finishHex(), isZipped: head.starts(with: zipMagic),
                                encoding: .base64, location: .file(path: url.path))
    }
}
