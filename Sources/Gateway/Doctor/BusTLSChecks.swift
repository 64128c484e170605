import Foundation
import Relay

/// The bus answers over TLS with the configured CA, client certificate and key: the same
/// libcurl transport the relay uses, probed with a GET on the bus URL (any HTTP answer means
/// connect, handshake and trust all worked).
enum BusTLSChecks {
    static let busTLS = DoctorCheck("bus.tls") { context in
        let configuration = context.configuration
        guard let bus = configuration.bus, bus.url.scheme?.lowercased() == "https" else { return [] }
        var passphrase: String?
        if let reference = bus.clientKeyPassphrase {
            guard let resolved = try? reference.resolve(environment: context.environment,
                                                         configurationFile: configuration.file.path) else { return [] }
            passphrase = resolved
        }
        var relay = configuration.relay
        relay.connectTimeout = context.networkTimeout
        relay.totalTimeout = context.networkTimeout * 2
        let transport: CurlHTTPTransport
        do {
            transport = try CurlHTTPTransport(configuration: bus.transportConfiguration(keyPassword: passphrase, relay: relay))
        } catch {
            return [.fail("bus.tls", "the TLS client cannot be set up: \(error)", fix: "check libcurl's installation")]
        }
        let (host, port) = bus.hostAndPort
        switch await transport.probe(bus.url.absoluteString) {
        case .success(let status):
            let client = bus.clientCertificateFile == nil ? "no client certificate" : "the client certificate"
            let anchor = bus.caFile == nil ? "the system's CAs" : "bus.ca_file"
            return [.ok("bus.tls", "TLS to \(host):\(port) works with \(anchor) and \(client) (HTTP \(status))")]
        case .failure(let failure):
            let (key, fix) = advice(failure.reasonCode, bus: bus)
            let message = "TLS to \(host):\(port) failed: \(failure.reasonCode): \(failure.explanation)"
            let unreachable = [RelayReason.connectFailed, RelayReason.resolveFailed, RelayReason.timeout].contains(failure.reasonCode)
            return [unreachable ? .unreachable(key, message, fix: fix) : .fail(key, message, fix: fix)]
        }
    }

    /// The key to blame and what to change, by the relay's reason code.
    static func advice(_ reasonCode: String, bus: GatewayConfiguration.Bus) -> (key: String, fix: String) {
        switch reasonCode {
        case RelayReason.tlsUntrusted:
            return ("bus.ca_file", bus.caFile == nil
                    ? "set bus.ca_file to the CA that issued the bus's server certificate"
                    : "bus.ca_file does not hold the CA that issued the bus's server certificate; ask the bus operator for it")
        case RelayReason.tlsClientRejected:
            return ("bus.client_certificate_file", bus.clientCertificateFile == nil
                    ? "the bus requires a client certificate: set client_certificate_file and client_key_file"
                    : "the bus does not accept this client certificate: have the bus operator register it, or use the one they issued")
        case RelayReason.tlsLocalSetup:
            return ("bus.client_key_file", "check that client_certificate_file, client_key_file and ca_file are PEM, the key matches and its passphrase is right")
        case RelayReason.tlsPinMismatch:
            return ("bus.url", "the bus's key changed: confirm with the bus operator before trusting it")
        case RelayReason.connectFailed, RelayReason.resolveFailed, RelayReason.timeout:
            return ("bus.url", "check bus.url, DNS, and that firewalls let this host reach the bus")
        default:
            return ("bus.url", "check that bus.url is the bus's HTTPS endpoint (TLS 1.2 or later on that port)")
        }
    }
}
