import Foundation
import Synchronization

/// Where the package, the shared samples and the built binary are, seen from a test.
public enum Paths {
    /// The package root: three levels above this file (Tests/TestSupport/Paths.swift).
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared/samples/vdxp` beside the checkout, or nil when this machine has no shared folder.
    /// Tests that need the real samples skip with a message saying so when this is nil.
    public static let samplesDirectory: URL? = {
        let dir = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/samples/vdxp")
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: dir.path, isDirectory: &isDir) && isDir.boolValue ? dir : nil
    }()

    /// Every real sample envelope, sorted by name; empty when the shared folder is absent.
    public static var sampleFiles: [URL] {
        guard let dir = samplesDirectory,
              let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return [] }
        return names.filter { $0.hasSuffix(".edxml") }.sorted().map { dir.appendingPathComponent($0) }
    }

    public static func sample(_ name: String) -> URL? {
        samplesDirectory.map { $0.appendingPathComponent(name) }
    }

    /// The `lienthong` executable that `swift build` / `swift test` produced beside the test bundle.
    public static var binary: URL {
        if let override = ProcessInfo.processInfo.environment["LIENTHONG_BIN"] {
            return URL(fileURLWithPath: override)
        }
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL,
            Bundle.main.bundleURL.deletingLastPathComponent(),
            packageRoot.appendingPathComponent(".build/debug"),
        ]
        for dir in candidates {
            let url = dir.appendingPathComponent("lienthong")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return packageRoot.appendingPathComponent(".build/debug/lienthong")
    }
}

/// A fresh directory under the system's temporary folder, removed by `remove()`.
public struct TemporaryDirectory: Sendable {
    public let url: URL

    public init(prefix: String = "lienthong-test") throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    public func remove() { try? FileManager.default.removeItem(at: url) }

    /// A directory shared by a whole test run (a development PKI made once, say), removed when
    /// the test process exits, since no test owns it.
    public static func forTheRun(prefix: String) throws -> TemporaryDirectory {
        try TemporaryDirectory(prefix: prefix).removedAtExitAtLatest()
    }

    /// This directory, removed when the test process exits if its owner has not removed it by
    /// then: an owner stopped by a `Task` from a `defer` may be cut short when the last test of
    /// a filtered run returns.
    public func removedAtExitAtLatest() -> TemporaryDirectory {
        RunScopedDirectories.register(url)
        return self
    }
}

private enum RunScopedDirectories {
    private static let paths = Mutex<[String]>([])
    private static let removedAtExit: Void = { atexit { RunScopedDirectories.removeAll() } }()

    static func register(_ url: URL) {
        _ = removedAtExit
        paths.withLock { $0.append(url.path) }
    }

    private static func removeAll() {
        for path in paths.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: path) }
    }
}
