import Foundation
import LibCrypto
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Envelopes and attachments as files named by their SHA-256 under `root/ab/abcdef…`.
/// A blob is written to a temporary name, synced, renamed into place, and its directory synced,
/// so a row that names it (committed after `write` returns) never points at a missing or
/// partial file, even after a power loss.
public struct BlobStore: Sendable {
    public let root: URL
    let syncs: Bool

    init(root: URL, syncs: Bool) throws {
        self.root = root
        self.syncs = syncs
        try FileManager.default.createDirectory(at: temporaryDirectory, withIntermediateDirectories: true)
    }

    var temporaryDirectory: URL { root.appendingPathComponent("tmp") }

    func url(of sha256: String) -> URL {
        root.appendingPathComponent(String(sha256.prefix(2))).appendingPathComponent(sha256)
    }

    /// Writes `data` durably and returns its digest. An existing file of the same digest is kept:
    /// it was synced before it got its name.
    func write(_ data: Data) throws -> String {
        let sha = SHA256Hasher.hexDigest(data)
        let target = url(of: sha)
        // An existing file of this digest is reused; touching it keeps the collector, which spares
        // young files, from removing it before the new row that names it commits.
        if utimes(target.path, nil) == 0 { return sha }
        let directory = target.deletingLastPathComponent()
        if mkdir(directory.path, 0o755) == 0 {
            if syncs { try syncDirectory(root) }
        } else if errno != EEXIST {
            throw StoreError.io("cannot create \(directory.path)", errno)
        }
        let temporary = temporaryDirectory.appendingPathComponent("\(sha).\(UUID().uuidString)")
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StoreError.io("cannot create \(temporary.path)", errno) }
        do {
            defer { close(fd) }
            try writeAll(fd, data, path: temporary.path)
            if syncs && fsync(fd) != 0 { throw StoreError.io("cannot sync \(temporary.path)", errno) }
        } catch {
            unlink(temporary.path)
            throw error
        }
        guard rename(temporary.path, target.path) == 0 else {
            let code = errno
            unlink(temporary.path)
            throw StoreError.io("cannot rename a blob into \(target.path)", code)
        }
        if syncs { try syncDirectory(directory) }
        return sha
    }

    func read(_ sha256: String) throws -> Data {
        do {
            return try Data(contentsOf: url(of: sha256))
        } catch {
            throw StoreError("store.blob_missing", "the blob \(sha256) cannot be read: \(error.localizedDescription)")
        }
    }

    /// Every blob file with its modification time, and stray temporary files.
    func inventory() -> (blobs: [(sha: String, modified: Date)], temporaries: [(url: URL, modified: Date)]) {
        let manager = FileManager.default
        var blobs: [(String, Date)] = []
        var temporaries: [(URL, Date)] = []
        let shards = (try? manager.contentsOfDirectory(atPath: root.path)) ?? []
        for shard in shards {
            let directory = root.appendingPathComponent(shard)
            for name in (try? manager.contentsOfDirectory(atPath: directory.path)) ?? [] {
                let file = directory.appendingPathComponent(name)
                let modified = (try? manager.attributesOfItem(atPath: file.path)[.modificationDate] as? Date) ?? .distantPast
                if shard == "tmp" { temporaries.append((file, modified)) } else { blobs.append((name, modified)) }
            }
        }
        return (blobs, temporaries)
    }

    func remove(_ sha256: String) {
        unlink(url(of: sha256).path)
    }

    private func writeAll(_ fd: Int32, _ data: Data, path: String) throws {
        let failure: Int32? = data.withUnsafeBytes { bytes -> Int32? in
            var offset = 0
            while offset < bytes.count {
                let written = systemWrite(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return nil
        }
        if let failure { throw StoreError.io("cannot write \(path)", failure) }
    }

    private func syncDirectory(_ directory: URL) throws {
        let fd = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw StoreError.io("cannot open \(directory.path)", errno) }
        defer { close(fd) }
        if fsync(fd) != 0 { throw StoreError.io("cannot sync \(directory.path)", errno) }
    }
}

private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}
