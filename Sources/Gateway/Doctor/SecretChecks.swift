import Foundation

/// Every secret the configuration names can be read now (the daemon resolves them all at start).
enum SecretChecks {
    static let secrets = DoctorCheck("secrets") { context in
        let configuration = context.configuration
        return configuration.secretReferences.map { secret in
            do {
                _ = try secret.resolve(environment: context.environment, configurationFile: configuration.file.path)
            } catch {
                let fix = switch secret.source {
                case .environment(let name): "set \(name) in the environment lienthong starts with (e.g. the service unit's EnvironmentFile)"
                case .file(let url): "write the secret to \(url.path), readable only by the user lienthong runs as"
                }
                return .fail(secret.keyPath, (error as? ConfigurationError)?.message ?? "\(error)", fix: fix)
            }
            if case .file(let url) = secret.source,
               let mode = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.posixPermissions] as? Int,
               mode & 0o077 != 0 {
                return .warn(secret.keyPath, "\(url.path) is readable by other users (mode \(String(mode, radix: 8)))",
                             fix: "chmod 600 \(url.path)")
            }
            return .ok(secret.keyPath, "resolved from the \(secret.sourceDescription)")
        }
    }
}
