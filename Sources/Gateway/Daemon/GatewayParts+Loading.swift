import Foundation
import LibCrypto
import Relay
import Store
import XMLDSig

extension GatewayParts {
    /// Opens the store and loads keys, certificates, trust anchors and CRLs named by the
    /// configuration. Any unreadable file or unusable key stops here, before a listener opens.
    public static func load(_ configuration: GatewayConfiguration,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws -> GatewayParts {
        let secrets = try configuration.resolveSecrets(environment: environment)
        try? FileManager.default.createDirectory(at: configuration.store.directory, withIntermediateDirectories: true,
                                                 attributes: [.posixPermissions: 0o700])
        let store = try SQLiteStore(directory: configuration.store.directory,
                                    options: StoreOptions(policy: configuration.queuePolicy))
        var signer: EnvelopeSigner?
        var signingCertificate: Certificate?
        if let signing = configuration.signing {
            let identity = try SigningIdentity(
                keyPEM: try read(signing.keyFile), passphrase: signing.keyPassphrase.flatMap { secrets[$0.keyPath] }.map { Array($0.utf8) },
                certificatePEM: try read(signing.certificateFile),
                chainPEM: signing.chainFiles.isEmpty ? nil : try signing.chainFiles.flatMap(read))
            signer = try EnvelopeSigner(identity: identity, method: .signingDefault(for: identity.key.kind))
            signingCertificate = identity.certificate
        }
        let verifier = try configuration.signature.mode == .off ? nil : makeVerifier(configuration)
        var busClient: VDXPClient?
        var busTransport: CurlHTTPTransport?
        if let bus = configuration.bus {
            let transport = try CurlHTTPTransport(configuration: bus.transportConfiguration(
                keyPassword: bus.clientKeyPassphrase.flatMap { secrets[$0.keyPath] }, relay: configuration.relay))
            let credentials = bus.systemId.flatMap { systemId in
                bus.secret.flatMap { secrets[$0.keyPath] }.map { VDXPCredentials(systemId: systemId, secret: $0) }
            }
            busClient = VDXPClient(transport: transport,
                                   configuration: VDXPConfiguration(baseURL: bus.url.absoluteString, credentials: credentials))
            busTransport = transport
        }
        return GatewayParts(configuration: configuration, secrets: secrets, store: store, signer: signer,
                            signingCertificate: signingCertificate, verifier: verifier, senderBinding: SenderBinding(),
                            busClient: busClient, busTransport: busTransport, metrics: GatewayMetrics())
    }

    private static func makeVerifier(_ configuration: GatewayConfiguration) throws -> SignatureVerifier? {
        let anchors = try configuration.trust.anchorFiles.flatMap { file in
            try loading(file, as: "trust.anchors", configuration) { try Certificate.all(pem: $0) }
        }
        guard !anchors.isEmpty else { return nil }
        let crls = try configuration.trust.crlFiles.flatMap { file in
            try loading(file, as: "trust.crls", configuration) { try CertificateRevocationList.all(pemOrDER: $0) }
        }
        let trust: TrustStore
        do {
            trust = try TrustStore(anchors: anchors, crls: crls)
        } catch let error as CryptoError {
            throw ConfigurationError(file: configuration.file.path, line: nil, keyPath: "trust",
                                     message: "the trust anchors and CRLs cannot make a trust store: \(error)")
        }
        return SignatureVerifier(trust: trust, policies: [AlgorithmPolicy(allowSHA1: configuration.signature.allowSHA1),
                                                         KeyUsagePolicy()])
    }

    /// Reads `file` and decodes it with `decode`; bytes that are not what the key expects
    /// (`keyPath`) stop the start with `config.invalid` naming the key and the file.
    private static func loading<T>(_ file: URL, as keyPath: String, _ configuration: GatewayConfiguration,
                                   _ decode: ([UInt8]) throws -> T) throws -> T {
        let bytes = try read(file)
        do {
            return try decode(bytes)
        } catch let error as CryptoError {
            throw ConfigurationError(file: configuration.file.path, line: nil, keyPath: keyPath,
                                     message: "\(file.path) cannot be loaded: \(error)")
        }
    }

    static func read(_ url: URL) throws -> [UInt8] {
        do { return Array(try Data(contentsOf: url)) } catch {
            throw ConfigurationError(reasonCode: "config.unreadable", file: url.path, line: nil, keyPath: nil,
                                     message: "cannot be read: \(error.localizedDescription)")
        }
    }
}

extension GatewayConfiguration {
    /// The store's queue rules from `[retry]`.
    public var queuePolicy: QueuePolicy {
        QueuePolicy(defaultRetry: Store.RetryPolicy(base: retry.base, cap: retry.cap, maxAttempts: retry.maxAttempts,
                                                    maxAge: retry.maxAge))
    }
}

extension GatewayConfiguration.Bus {
    /// libcurl's settings: the bus CA pinned as the only anchor, the client certificate for mutual
    /// TLS, and as many transfers to the bus at once as the delivery worker runs.
    public func transportConfiguration(keyPassword: String?,
                                       relay: GatewayConfiguration.RelaySettings = .default) -> TransportConfiguration {
        guard url.scheme?.lowercased() == "https" else {
            return TransportConfiguration(connectTimeout: relay.connectTimeout, totalTimeout: relay.totalTimeout,
                                          maxTransfersPerDestination: relay.concurrency)
        }
        return TransportConfiguration(tls: MutualTLS(trustedCA: caFile.map { .file($0.path) },
                                                     clientCertificate: clientCertificateFile.map { .file($0.path) },
                                                     clientKey: clientKeyFile.map { .file($0.path) },
                                                     clientKeyPassword: keyPassword),
                                      connectTimeout: relay.connectTimeout, totalTimeout: relay.totalTimeout,
                                      maxTransfersPerDestination: relay.concurrency)
    }
}
