import Foundation
import LibXML
import Logging

/// Everything `lienthong serve` needs, decoded from one TOML file (see docs/gateway.md and
/// docs/gateway.example.toml). Paths are absolute (resolved against the file's directory);
/// secrets are references, resolved only when used.
public struct GatewayConfiguration: Sendable {
    public enum Role: String, Sendable, CaseIterable {
        case gateway, bus
    }

    /// The configuration file this was read from.
    public var file: URL
    public var role: Role
    /// The organisations this gateway speaks for (`From/OrganId` of what it sends, `To` of what it accepts).
    public var organIds: [String]
    public var signing: Signing?
    public var trust: Trust
    /// The bus this gateway relays to; absent in the `bus` role.
    public var bus: Bus?
    public var units: [Unit]
    public var store: StoreSettings
    public var retry: RetryPolicy
    public var limits: Limits
    public var signature: SignaturePolicy
    public var listeners: Listeners
    public var log: LogSettings
    public var relay: RelaySettings = .default
    public var metrics: MetricsSettings = .init()
    /// `[bus_api]`, `[push]` and `[[agencies]]`; present exactly in the `bus` role.
    public var busRole: BusRole? = nil

    /// The gateway's own signing key and certificate.
    public struct Signing: Sendable {
        public var keyFile: URL
        public var keyPassphrase: SecretReference?
        public var certificateFile: URL
        /// Intermediate certificates sent with the signature, leaf's issuer first.
        public var chainFiles: [URL]
    }

    /// What inbound signatures must chain to, and the revocation lists to check them against.
    public struct Trust: Sendable {
        public var anchorFiles: [URL]
        public var crlFiles: [URL]
    }

    public struct Bus: Sendable {
        public enum Delivery: Sendable, Equatable {
            /// The bus pushes to `listeners.bus_endpoint`.
            case push
            /// The gateway asks the bus for new documents every `interval`.
            case poll(interval: Duration)
        }

        public var url: URL
        /// The CA the bus's server certificate must chain to (pinned); the system store when absent.
        public var caFile: URL?
        public var clientCertificateFile: URL?
        public var clientKeyFile: URL?
        public var clientKeyPassphrase: SecretReference?
        /// VDXP `systemid` and the secret for its HMAC headers, where the bus asks for them.
        public var systemId: String?
        public var secret: SecretReference?
        public var delivery: Delivery
        /// The bus's own OrganId: a status it sends itself (02 for a recipient it could not
        /// deliver to) is taken about any of our documents; any other status only from one of
        /// the document's recipients.
        public var organId: String? = nil

        /// The host and port a TCP connection to the bus goes to.
        public var hostAndPort: (host: String, port: Int) {
            let host = url.host ?? ""
            let port = url.port ?? (url.scheme?.lowercased() == "https" ? 443 : 80)
            return (host, port)
        }
    }

    /// A unit server (the agency's document-management system) allowed to use the unit API.
    public struct Unit: Sendable {
        public var name: String
        /// SHA-256 of the unit's bearer token; the token itself is never stored.
        public var tokenSHA256: [UInt8]
        /// The OrganIds this unit may send as (each one of the gateway's `organ_ids`).
        public var organIds: [String]
        public var webhookURL: URL?
    }

    /// Who may read `/metrics`.
    public struct MetricsSettings: Sendable {
        /// SHA-256 of the scraper's bearer token; nil leaves `/metrics` open to whoever reaches
        /// the unit API listener.
        public var tokenSHA256: [UInt8]? = nil
    }

    public struct StoreSettings: Sendable {
        public var directory: URL
    }

    public struct RetryPolicy: Sendable, Equatable {
        /// First wait after a failed attempt; doubled on each further failure (with jitter).
        public var base: Duration
        /// Longest wait between two attempts.
        public var cap: Duration
        public var maxAttempts: Int
        /// After this long since it was queued a message is dead whatever its attempts.
        public var maxAge: Duration

        public init(base: Duration, cap: Duration, maxAttempts: Int, maxAge: Duration) {
            self.base = base
            self.cap = cap
            self.maxAttempts = maxAttempts
            self.maxAge = maxAge
        }

        public static let `default` = RetryPolicy(base: .seconds(2), cap: .seconds(600), maxAttempts: 25,
                                                 maxAge: .seconds(3 * 86_400))
    }

    public struct Limits: Sendable, Equatable {
        /// Largest HTTP request body accepted on any listener.
        public var maxBodyBytes: Int
        /// Bounds on every parse of outside XML.
        public var xml: XMLParseLimits

        public static let defaultMaxBodyBytes = 64 << 20
    }

    public struct SignaturePolicy: Sendable, Equatable {
        public enum Mode: String, Sendable, CaseIterable {
            /// An inbound document without a valid, trusted signature is refused.
            case require
            /// The verdict is recorded and shown, the document accepted either way.
            case record
            /// Signatures are not checked.
            case off
        }

        public var mode: Mode
        /// Accept RSA-SHA1 signatures (legacy national traffic) when verifying; never used to sign.
        public var allowSHA1: Bool

        public init(mode: Mode, allowSHA1: Bool) {
            self.mode = mode
            self.allowSHA1 = allowSHA1
        }
    }

    public struct Listener: Sendable {
        public var address: String
        public var port: Int
        public var tls: ListenerTLS?

        /// Reachable from this machine only.
        public var isLoopback: Bool { ["::1", "localhost"].contains(address) || address.hasPrefix("127.") }
    }

    public struct ListenerTLS: Sendable {
        public var certificateFile: URL
        public var keyFile: URL
        public var keyPassphrase: SecretReference?
        /// When given, clients must present a certificate chaining to this CA (mutual TLS).
        public var clientCAFile: URL?
        /// `client_certificates = "optional"`: a client may connect without a certificate (the bus
        /// API, where agencies may authenticate with HMAC headers instead); one it presents must
        /// still chain to `clientCAFile`.
        public var clientCertificatesOptional: Bool = false
    }

    public struct Listeners: Sendable {
        public var unitAPI: Listener
        /// Where the bus pushes documents; needed when `bus.delivery = "push"`.
        public var busEndpoint: Listener?
        /// The bus role's VDXP API (`listeners.bus_api`); required in that role, refused otherwise.
        public var busAPI: Listener? = nil
    }

    public struct LogSettings: Sendable {
        public var level: Logger.Level
    }

    /// Every secret the configuration names, with the key that names it.
    public var secretReferences: [SecretReference] {
        var secrets: [SecretReference?] = [signing?.keyPassphrase, bus?.clientKeyPassphrase, bus?.secret,
                                           listeners.unitAPI.tls?.keyPassphrase]
        secrets.append(listeners.busEndpoint?.tls?.keyPassphrase)
        secrets.append(listeners.busAPI?.tls?.keyPassphrase)
        return secrets.compactMap { $0 } + (busRole?.secretReferences ?? [])
    }

    /// Resolves every secret now, so a missing one stops the daemon at start rather than at first use.
    public func resolveSecrets(environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(ConfigurationError) -> [String: String] {
        var resolved: [String: String] = [:]
        for secret in secretReferences {
            resolved[secret.keyPath] = try secret.resolve(environment: environment, configurationFile: file.path)
        }
        return resolved
    }
}
