import Foundation

/// The kind of file system a path is on, for `bench exchange`'s report: an acknowledgement waits
/// for a sync, and a sync costs what the file system and the disk under it make it cost (the same
/// run on tmpfs had half the median latency of the root disk's, session 13).
enum FileSystemKind {
    /// The type of the mount holding `path` (the longest mount point that contains it, from
    /// `/proc/self/mountinfo`), or "file system unknown".
    static func name(at path: String) -> String {
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        guard let table = try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8) else { return "file system unknown" }
        var best: (mountPoint: String, type: String)?
        for line in table.split(separator: "\n") {
            let halves = line.components(separatedBy: " - ")
            let fields = halves[0].split(separator: " ")
            guard halves.count == 2, fields.count >= 5, let type = halves[1].split(separator: " ").first else { continue }
            // Mount points escape a space as \040 (and tab, newline, backslash likewise).
            let mountPoint = String(fields[4]).replacingOccurrences(of: "\\040", with: " ")
            guard contains(mountPoint, resolved), mountPoint.count >= (best?.mountPoint.count ?? 0) else { continue }
            best = (mountPoint, String(type))
        }
        return best?.type ?? "file system unknown"
    }

    private static func contains(_ mountPoint: String, _ path: String) -> Bool {
        mountPoint == "/" || path == mountPoint || path.hasPrefix(mountPoint + "/")
    }
}
