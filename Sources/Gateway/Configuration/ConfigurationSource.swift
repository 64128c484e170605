import Foundation

/// What every reader of one configuration file shares: where the file is (relative paths are
/// resolved against its directory) and where each key was written (for error lines).
struct ConfigurationSource: Sendable {
    let fileName: String
    let baseDirectory: URL
    let lines: KeyLineIndex

    func error(_ keyPath: String?, _ message: String, reasonCode: String = "config.invalid") -> ConfigurationError {
        ConfigurationError(reasonCode: reasonCode, file: fileName, line: keyPath.flatMap(lines.line(of:)),
                           keyPath: keyPath, message: message)
    }

    /// A path from the file: absolute as written, or relative to the configuration's directory.
    func resolvePath(_ path: String) -> URL {
        if path.hasPrefix("/") { return URL(fileURLWithPath: path).standardizedFileURL }
        if path == "~" || path.hasPrefix("~/") {
            return URL(fileURLWithPath: NSString(string: path).expandingTildeInPath).standardizedFileURL
        }
        return baseDirectory.appendingPathComponent(path).standardizedFileURL
    }
}
