import Foundation

/// Where a secret lives: an environment variable or a file. The configuration file only names it,
/// so the secret itself never sits in the file or on the command line.
public struct SecretReference: Sendable, Equatable {
    public enum Source: Sendable, Equatable {
        case environment(String)
        case file(URL)
    }

    /// The key that named this secret (`bus.secret_env`), for error messages.
    public let keyPath: String
    /// The line of that key in the configuration file, when known.
    public let line: Int?
    public let source: Source

    public init(keyPath: String, line: Int? = nil, source: Source) {
        self.keyPath = keyPath
        self.line = line
        self.source = source
    }

    /// The secret's text; a file's trailing newline is not part of it.
    public func resolve(environment: [String: String] = ProcessInfo.processInfo.environment,
                        configurationFile: String) throws(ConfigurationError) -> String {
        switch source {
        case .environment(let name):
            guard let value = environment[name], !value.isEmpty else {
                throw unresolved(configurationFile, "the environment variable \(name) is not set or empty")
            }
            return value
        case .file(let url):
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw unresolved(configurationFile, "cannot read the secret file \(url.path)")
            }
            var text = String(decoding: data, as: UTF8.self)
            while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
            guard !text.isEmpty else { throw unresolved(configurationFile, "the secret file \(url.path) is empty") }
            return text
        }
    }

    public var sourceDescription: String {
        switch source {
        case .environment(let name): "environment variable \(name)"
        case .file(let url): "file \(url.path)"
        }
    }

    private func unresolved(_ file: String, _ message: String) -> ConfigurationError {
        ConfigurationError(reasonCode: "config.secret_unresolved", file: file, line: line, keyPath: keyPath, message: message)
    }
}
