import Foundation
import LibCrypto
import Relay
import Store
import XMLDSig

/// The parts every flow of one node shares, built once from its configuration: the store, the
/// signing identity, the inbound verifier, the bus client and the metrics. `GatewayAssembly`
/// joins them into the daemon's `GatewayServices`.
public struct GatewayParts: Sendable {
    public let configuration: GatewayConfiguration
    /// Resolved secrets by the key path of their reference (`SecretReference.keyPath`).
    public let secrets: [String: String]
    public let store: SQLiteStore
    /// The gateway's own key and certificate; nil when the configuration has no `[signing]`.
    public let signer: EnvelopeSigner?
    public let signingCertificate: Certificate?
    /// Verifies inbound signatures; nil when the policy is `off`.
    public let verifier: SignatureVerifier?
    public let senderBinding: SenderBinding
    /// The bus client over libcurl with mutual TLS; nil in the bus role.
    public let busClient: VDXPClient?
    public let busTransport: CurlHTTPTransport?
    public let metrics: GatewayMetrics
    /// Nudged after every enqueue so the delivery workers send at once.
    public let deliverySignal: DeliverySignal
    /// When the bus last answered (the contact probe, deliveries and the poller record it).
    public let busContact = BusContactTracker()

    /// Builds, signs and queues status messages.
    public var statusSender: StatusSender {
        StatusSender(store: store, signer: signer, signal: deliverySignal)
    }

    public init(configuration: GatewayConfiguration, secrets: [String: String], store: SQLiteStore,
                signer: EnvelopeSigner?, signingCertificate: Certificate?, verifier: SignatureVerifier?,
                senderBinding: SenderBinding, busClient: VDXPClient?, busTransport: CurlHTTPTransport?,
                metrics: GatewayMetrics, deliverySignal: DeliverySignal = DeliverySignal()) {
        self.configuration = configuration
        self.secrets = secrets
        self.store = store
        self.signer = signer
        self.signingCertificate = signingCertificate
        self.verifier = verifier
        self.senderBinding = senderBinding
        self.busClient = busClient
        self.busTransport = busTransport
        self.metrics = metrics
        self.deliverySignal = deliverySignal
    }
}
