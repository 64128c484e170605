import Foundation
import LibCrypto

/// The gateway's certificates are usable: each private key belongs to its certificate, the
/// signing certificate chains to the `[trust]` anchors (with their CRLs), and none has expired
/// or is about to. Files that cannot be read are `FileChecks`' findings and are skipped here.
enum CertificateChecks {
    /// Fewer days than this before a certificate expires is a warning.
    static let expiryWarningDays = 30

    static let keyPairs = DoctorCheck("certificate.key_pairs") { context in
        pairs(context.configuration).compactMap { pair in
            guard let certificate = readCertificate(pair.certificateFile),
                  let keyPEM = try? Data(contentsOf: pair.keyFile) else { return nil }
            let passphrase = pair.passphrase.flatMap {
                try? $0.resolve(environment: context.environment, configurationFile: context.configuration.file.path)
            }
            if pair.passphrase != nil && passphrase == nil { return nil }   // the secrets check says why
            let key: PrivateKey
            do {
                key = try PrivateKey(pem: Array(keyPEM), passphrase: passphrase.map { Array($0.utf8) })
            } catch {
                let fix = pair.passphrase == nil
                    ? "if the key is encrypted, name its passphrase in \(pair.passphraseKey)_env or _file"
                    : "check the passphrase in \(pair.passphrase!.keyPath)"
                return .fail(pair.keyKey, "\(pair.keyFile.path) cannot be read as a private key: \(error)", fix: fix)
            }
            guard let keyDER = try? key.publicKey.der, let certificateDER = try? certificate.publicKey.der,
                  keyDER == certificateDER else {
                return .fail(pair.keyKey,
                             "the private key \(pair.keyFile.lastPathComponent) does not belong to \(pair.certificateKey) (\(certificate.subject))",
                             fix: "name the key this certificate was issued for, or the certificate issued for this key")
            }
            return .ok(pair.keyKey, "the private key matches the certificate \(certificate.subject)")
        }
    }

    static let signingChain = DoctorCheck("certificate.chain") { context in
        let configuration = context.configuration
        guard let signing = configuration.signing, let certificate = readCertificate(signing.certificateFile) else { return [] }
        let key = "signing.certificate_file"
        guard !configuration.trust.anchorFiles.isEmpty else {
            return [.warn(key, "there is no trust.anchors to check its chain against",
                          fix: "add the national CA certificate to trust.anchors: receivers check our signatures against it")]
        }
        let anchors = configuration.trust.anchorFiles.flatMap { readAll($0) }
        let crls = configuration.trust.crlFiles.flatMap { url in
            (try? Data(contentsOf: url)).flatMap { try? CertificateRevocationList.all(pemOrDER: Array($0)) } ?? []
        }
        guard !anchors.isEmpty, let trust = try? TrustStore(anchors: anchors, crls: crls) else { return [] }
        let untrusted = signing.chainFiles.flatMap { readAll($0) }
        let verification = trust.verify(certificate, untrusted: untrusted, at: context.now)
        if let failure = verification.failure {
            return [.fail(key, "\(certificate.subject) does not chain to trust.anchors: \(failure)", fix: chainFix(failure.reason))]
        }
        let anchor = verification.chain.last.map { "\($0.subject)" } ?? "a trust anchor"
        var findings: [DoctorFinding] = [.ok(key, "\(certificate.subject) chains to \(anchor)\(crls.isEmpty ? "" : ", not revoked")")]
        findings += verification.warnings.map { .warn("trust.crls", $0, fix: "fetch a current CRL from the CA and replace the file") }
        return findings
    }

    static let expiry = DoctorCheck("certificate.expiry") { context in
        certificateFiles(context.configuration).compactMap { key, url in
            guard let certificate = readCertificate(url) else { return nil }
            return expiryFinding(key, certificate, now: context.now)
        }
    }

    static func expiryFinding(_ key: String, _ certificate: Certificate, now: Date) -> DoctorFinding {
        let until = certificate.notAfter.formatted(.iso8601.year().month().day())
        let days = Int(certificate.notAfter.timeIntervalSince(now) / 86_400)
        if certificate.notAfter <= now {
            return .fail(key, "\(certificate.subject) expired on \(until)", fix: "install a renewed certificate (and its key) and restart lienthong")
        }
        if certificate.notBefore > now {
            return .fail(key, "\(certificate.subject) is not valid before \(certificate.notBefore.formatted(.iso8601))",
                         fix: "check this host's clock, or wait until the certificate's validity starts")
        }
        if days < expiryWarningDays {
            return .warn(key, "\(certificate.subject) expires in \(days) days (\(until))",
                         fix: "renew it before \(until) and restart lienthong")
        }
        return .ok(key, "valid until \(until) (\(days) days)")
    }

    private static func chainFix(_ reason: ChainFailure.Reason) -> String {
        switch reason {
        case .expired: "renew the expired certificate of the chain"
        case .notYetValid: "check this host's clock"
        case .revoked: "the certificate is revoked: obtain a new one from the CA"
        case .crlUnavailable, .crlExpired, .crlNotYetValid: "add the issuing CA's current CRL to trust.crls"
        case .untrustedIssuer, .selfSigned:
            "add the issuing CA to trust.anchors, or the intermediate certificates to signing.chain_files"
        case .badSignature, .notACertificateAuthority, .other: "ask the CA for a certificate and chain that verify"
        }
    }

    struct KeyPair {
        let keyKey: String
        let keyFile: URL
        let certificateKey: String
        let certificateFile: URL
        let passphrase: SecretReference?
        /// Where an encrypted key's passphrase would be named (without `_env`/`_file`).
        let passphraseKey: String
    }

    static func pairs(_ configuration: GatewayConfiguration) -> [KeyPair] {
        var pairs: [KeyPair] = []
        if let signing = configuration.signing {
            pairs.append(KeyPair(keyKey: "signing.key_file", keyFile: signing.keyFile,
                                 certificateKey: "signing.certificate_file", certificateFile: signing.certificateFile,
                                 passphrase: signing.keyPassphrase, passphraseKey: "signing.key_passphrase"))
        }
        if let bus = configuration.bus, let key = bus.clientKeyFile, let certificate = bus.clientCertificateFile {
            pairs.append(KeyPair(keyKey: "bus.client_key_file", keyFile: key,
                                 certificateKey: "bus.client_certificate_file", certificateFile: certificate,
                                 passphrase: bus.clientKeyPassphrase, passphraseKey: "bus.client_key_passphrase"))
        }
        if let push = configuration.busRole?.push, let key = push.clientKeyFile, let certificate = push.clientCertificateFile {
            pairs.append(KeyPair(keyKey: "push.client_key_file", keyFile: key,
                                 certificateKey: "push.client_certificate_file", certificateFile: certificate,
                                 passphrase: push.clientKeyPassphrase, passphraseKey: "push.client_key_passphrase"))
        }
        for (name, listener) in listeners(configuration) {
            guard let tls = listener.tls else { continue }
            pairs.append(KeyPair(keyKey: "\(name).tls.key_file", keyFile: tls.keyFile,
                                 certificateKey: "\(name).tls.certificate_file", certificateFile: tls.certificateFile,
                                 passphrase: tls.keyPassphrase, passphraseKey: "\(name).tls.key_passphrase"))
        }
        return pairs
    }

    /// The certificates this node presents: its signing certificate, its client certificate
    /// to the bus (a gateway) or to the agencies' push endpoints (the bus), and its listeners'
    /// server certificates.
    static func certificateFiles(_ configuration: GatewayConfiguration) -> [(key: String, url: URL)] {
        var files: [(key: String, url: URL)] = []
        if let signing = configuration.signing { files.append(("signing.certificate_file", signing.certificateFile)) }
        if let url = configuration.bus?.clientCertificateFile { files.append(("bus.client_certificate_file", url)) }
        if let url = configuration.busRole?.push.clientCertificateFile { files.append(("push.client_certificate_file", url)) }
        for (name, listener) in listeners(configuration) {
            if let tls = listener.tls { files.append(("\(name).tls.certificate_file", tls.certificateFile)) }
        }
        return files
    }

    private static func listeners(_ configuration: GatewayConfiguration) -> [(String, GatewayConfiguration.Listener)] {
        [("listeners.unit_api", configuration.listeners.unitAPI)]
            + (configuration.listeners.busEndpoint.map { [("listeners.bus_endpoint", $0)] } ?? [])
            + (configuration.listeners.busAPI.map { [("listeners.bus_api", $0)] } ?? [])
    }

    private static func readCertificate(_ url: URL) -> Certificate? { readAll(url).first }

    private static func readAll(_ url: URL) -> [Certificate] {
        (try? Data(contentsOf: url)).flatMap { try? Certificate.all(pem: Array($0)) } ?? []
    }
}
