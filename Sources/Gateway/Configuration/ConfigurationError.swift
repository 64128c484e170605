import EdXML

/// A configuration the gateway cannot run with. Names the file, the line where one is known and
/// the key path (`bus.url`, `units[2].token_sha256`), so the operator knows exactly what to edit.
public struct ConfigurationError: ReasonCoded, Sendable, Equatable {
    /// `config.invalid` (syntax or a value), `config.unreadable` (the file itself),
    /// `config.secret_unresolved` (an environment variable or secret file that is not there).
    public let reasonCode: String
    public let file: String
    public let line: Int?
    public let keyPath: String?
    public let message: String

    public init(reasonCode: String = "config.invalid", file: String, line: Int?, keyPath: String?, message: String) {
        self.reasonCode = reasonCode
        self.file = file
        self.line = line
        self.keyPath = keyPath
        self.message = message
    }

    public var explanation: String {
        var location = file
        if let line { location += ":\(line)" }
        if let keyPath { return "\(location): \(keyPath): \(message)" }
        return "\(location): \(message)"
    }
}
