import Foundation
import LibCrypto
import Logging
import Relay
import Store

extension GatewayAssembly {
    /// In the `bus` role: the configured agencies written to the registry (before any listener
    /// opens), the VDXP API for the `bus_api` listener, and a delivery worker that pushes to
    /// agencies or deposits in their mailbox.
    static func addBusRole(_ parts: GatewayParts, to services: inout GatewayServices, logger: Logger) throws {
        guard parts.configuration.role == .bus, let settings = parts.configuration.busRole else { return }
        let agencies = try settings.agencies.map { try registryEntry($0, secrets: parts.secrets, configuration: parts.configuration) }
        let changes = try parts.store.registerConfiguredAgencies(agencies, actor: "config")
        logger.info("bus agencies from the configuration", metadata: [
            "added": "\(changes.filter { $0 == .added }.count)", "updated": "\(changes.filter { $0 == .updated }.count)",
        ])
        var pushConfiguration = settings.push.transportConfiguration(
            keyPassword: settings.push.clientKeyPassphrase.flatMap { parts.secrets[$0.keyPath] })
        pushConfiguration.connectTimeout = parts.configuration.relay.connectTimeout
        pushConfiguration.totalTimeout = parts.configuration.relay.totalTimeout
        pushConfiguration.maxTransfersPerDestination = parts.configuration.relay.concurrency
        let pushTransport = try CurlHTTPTransport(configuration: pushConfiguration)
        let trace = BusTrace(organId: settings.organId, limits: parts.configuration.limits.xml)
        let intake = BusIntake(store: parts.store, trace: trace, verifier: parts.verifier,
                               policy: parts.configuration.signature.mode, senderBinding: parts.senderBinding,
                               limits: parts.configuration.limits.xml, statusSender: parts.statusSender,
                               signal: parts.deliverySignal)
        let routes = BusAPIRoutes(basePath: settings.basePath,
                                  authenticator: BusAuthenticator(store: parts.store, hmac: VDXPRequestVerifier(window: settings.hmacWindow, replays: parts.store)),
                                  intake: intake, store: parts.store, bodyLimit: parts.configuration.limits.maxBodyBytes,
                                  listLimit: settings.listLimit, metrics: parts.metrics)
        let deliverer = AgencyDeliverer(store: parts.store, pushTransport: pushTransport, intake: intake, logger: logger)
        services.busAPI = BusAPI(routes: routes, deliverer: deliverer)
        // A short lease: a bus killed mid-push gets its messages back within seconds of the
        // restart; a long transfer has its lease extended every third of it.
        services.workers.append(deliveryWorker(parts, deliverer: deliverer, name: "bus-delivery",
                                               leaseDuration: .seconds(15), logger: logger))
    }

    private static func registryEntry(_ settings: GatewayConfiguration.AgencySettings, secrets: [String: String],
                                      configuration: GatewayConfiguration) throws -> Agency {
        var fingerprint = settings.certificateSHA256
        if let file = settings.certificateFile {
            do {
                fingerprint = try Certificate(pem: GatewayParts.read(file)).fingerprintHex
            } catch let error as ConfigurationError {
                throw error
            } catch {
                throw ConfigurationError(file: configuration.file.path, line: nil, keyPath: "agencies.certificate_file",
                                         message: "\(file.path) does not hold a PEM certificate: \(error)")
            }
        }
        return Agency(organId: settings.organId, name: settings.name, parent: settings.parent, certificateSHA256: fingerprint,
                      systemId: settings.systemId, hmacSecret: settings.secret.flatMap { secrets[$0.keyPath] },
                      pushEndpoint: settings.pushURL?.absoluteString, state: settings.suspended ? .suspended : .active)
    }
}

extension GatewayConfiguration.PushClient {
    /// libcurl's settings for pushing to agencies: their CA pinned when given, the bus's client certificate.
    func transportConfiguration(keyPassword: String?) -> TransportConfiguration {
        guard caFile != nil || clientCertificateFile != nil else { return TransportConfiguration() }
        return TransportConfiguration(tls: MutualTLS(trustedCA: caFile.map { .file($0.path) },
                                                     clientCertificate: clientCertificateFile.map { .file($0.path) },
                                                     clientKey: clientKeyFile.map { .file($0.path) },
                                                     clientKeyPassword: keyPassword))
    }
}
