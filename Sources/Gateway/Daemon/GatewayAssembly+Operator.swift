import Foundation
import LibCrypto
import Logging

extension GatewayAssembly {
    /// The metrics every listener records in; the console and `/metrics` on the unit API
    /// listener, fed with the certificates the node depends on; `/readyz` probes for the store,
    /// the signing key, the certificates and the bus.
    static func addOperatorSurface(_ parts: GatewayParts, to services: inout GatewayServices, logger: Logger) throws {
        services.metrics = parts.metrics
        let certificates = StaticCertificates(certificateExpiries(parts.configuration))
        services.operatorSurface = try OperatorSurface(store: parts.store, metrics: parts.metrics, certificates: certificates,
                                                       secureCookies: parts.configuration.listeners.unitAPI.tls != nil,
                                                       metricsTokenSHA256: parts.configuration.metrics.tokenSHA256)
        services.readinessProbes.append(OperatorReadinessProbes.storeWritable(parts.store))
        services.readinessProbes.append(OperatorReadinessProbes.keysLoaded(LoadedSigningKey(loaded: parts.signer != nil)))
        services.readinessProbes.append(OperatorReadinessProbes.certificatesValid(certificates))
        if let transport = parts.busTransport, let url = parts.configuration.bus?.url.absoluteString {
            services.workers.append(BusContactProbe(transport: transport, url: url, tracker: parts.busContact,
                                                    interval: .seconds(60), logger: logger))
            services.readinessProbes.append(OperatorReadinessProbes.busReachedRecently(parts.busContact, window: .seconds(300)))
        }
    }

    /// Every certificate file the configuration names, with the key that names it.
    static func certificateExpiries(_ configuration: GatewayConfiguration) -> [CertificateExpiry] {
        var files: [(String, URL?)] = [("signing", configuration.signing?.certificateFile),
                                       ("bus client", configuration.bus?.clientCertificateFile),
                                       ("unit API TLS", configuration.listeners.unitAPI.tls?.certificateFile),
                                       ("bus endpoint TLS", configuration.listeners.busEndpoint?.tls?.certificateFile),
                                       ("bus API TLS", configuration.listeners.busAPI?.tls?.certificateFile),
                                       ("push client", configuration.busRole?.push.clientCertificateFile)]
        files += configuration.trust.anchorFiles.enumerated().map { ("trust anchor \($0.offset + 1)", $0.element) }
        return files.compactMap { name, file in
            guard let file, let bytes = try? Data(contentsOf: file), let certificate = try? Certificate(pem: Array(bytes)) else { return nil }
            return CertificateExpiry(name: "\(name) (\(certificate.subject))", notAfter: certificate.notAfter)
        }
    }
}

/// The signing key was loaded at start (the daemon does not start when it cannot be).
private struct LoadedSigningKey: SigningKeyStatus {
    let loaded: Bool
    func keysLoaded() async -> Bool { loaded }
}
