import Foundation
import LibCrypto

/// The demo's secrets, made once and kept (mode 0600) in the data directory: a bearer token
/// per unit, and the console account's password.
public struct DemoSecrets: Codable, Sendable, Equatable {
    /// Unit token by node (`gateway-a` → token).
    public var tokens: [String: String]
    public var consoleUser: String
    public var consolePassword: String

    static func make(for layout: DemoLayout) -> DemoSecrets {
        var tokens: [String: String] = [:]
        for agency in layout.agencies { tokens[agency.node] = PasswordHash.randomToken(bytes: 24) }
        return DemoSecrets(tokens: tokens, consoleUser: "demo", consolePassword: PasswordHash.randomToken(bytes: 8))
    }

    static func loadOrMake(for layout: DemoLayout) throws -> DemoSecrets {
        if let data = try? Data(contentsOf: layout.tokensFile),
           let secrets = try? JSONDecoder().decode(DemoSecrets.self, from: data),
           layout.agencies.allSatisfy({ secrets.tokens[$0.node] != nil }) {
            return secrets
        }
        let secrets = make(for: layout)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(secrets).write(to: layout.tokensFile)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: layout.tokensFile.path)
        return secrets
    }
}
