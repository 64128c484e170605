import Foundation

/// Finds the folder holding the edXML XSDs at run time. The XSDs live in the repository's
/// top-level `schemas/` (not a SwiftPM resource: a resource must sit inside a target's folder),
/// so they are looked for, in order: `$LIENTHONG_SCHEMAS`; `schemas/` in the folder of the
/// executable and up to four folders above it (covers `.build/<triple>/debug/lienthong` and an
/// install as `<prefix>/bin/lienthong` with `<prefix>/share/lienthong/schemas`); the package this
/// file was compiled from.
public enum SchemaLocator {
    public static let documentSchema = "edxml-document.xsd"
    public static let statusSchema = "edxml-status.xsd"

    public static func find(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
        candidates(environment: environment).first { FileManager.default.fileExists(atPath: $0.appendingPathComponent(documentSchema).path) }
    }

    static func candidates(environment: [String: String]) -> [URL] {
        var result: [URL] = []
        if let override = environment["LIENTHONG_SCHEMAS"], !override.isEmpty {
            result.append(URL(fileURLWithPath: override))
        }
        var directory = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0...4 {
            result.append(directory.appendingPathComponent("schemas"))
            result.append(directory.appendingPathComponent("share/lienthong/schemas"))
            directory.deleteLastPathComponent()
        }
        // Sources/EdXML/Validation/SchemaLocator.swift → the package root.
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        result.append(packageRoot.appendingPathComponent("schemas"))
        return result
    }
}
