import Foundation
import LibCrypto
import Logging

/// The configuration files of the demo's nodes, written on every start (so `--port-base` can
/// change) from the layout, the PKI files and the secrets. They are ordinary configurations:
/// each also runs on its own with `lienthong serve --config <file>`.
enum DemoConfigurations {
    static func gateway(_ agency: DemoLayout.Agency, layout: DemoLayout, secrets: DemoSecrets, logLevel: Logger.Level) -> String {
        let tokenHash = SHA256Hasher.hexDigest(Array((secrets.tokens[agency.node] ?? "").utf8))
        return """
        # The demo's gateway for \(agency.organId). Written by `lienthong demo` at each start.
        [gateway]
        role = "gateway"
        organ_ids = ["\(agency.organId)"]

        \(node(signingAs: "org-\(agency.organId)", store: agency.node, unitAPIPort: agency.unitAPIPort, logLevel: logLevel))
        [bus]
        url = "\(layout.busURL)"
        organ_id = "\(layout.busOrganId)"
        ca_file = "pki/trust.pem"
        client_certificate_file = "pki/tls-client-\(agency.organId).pem"
        client_key_file = "pki/tls-client-\(agency.organId).key"
        delivery = "push"

        [[units]]
        name = "office"
        token_sha256 = "\(tokenHash)"
        organ_ids = ["\(agency.organId)"]

        \(mutualTLSListener("bus_endpoint", port: agency.busEndpointPort))
        """
    }

    /// The bus: its VDXP API over mutual TLS, each agency registered by its gateway's TLS client
    /// certificate, documents pushed to the gateway's bus endpoint with the bus's own client certificate.
    static func bus(layout: DemoLayout, logLevel: Logger.Level) -> String {
        var text = """
        # The demo's bus. Written by `lienthong demo` at each start.
        [gateway]
        role = "bus"
        organ_ids = ["\(layout.busOrganId)"]

        \(node(signingAs: "bus", store: "bus", unitAPIPort: layout.busConsolePort, logLevel: logLevel))
        \(mutualTLSListener("bus_api", port: layout.busAPIPort))
        [push]
        ca_file = "pki/trust.pem"
        client_certificate_file = "pki/tls-client.pem"
        client_key_file = "pki/tls-client.key"

        """
        for agency in layout.agencies {
            text += """

            [[agencies]]
            organ_id = "\(agency.organId)"
            name = "Demo agency \(agency.organId)"
            certificate_file = "pki/tls-client-\(agency.organId).pem"
            push_endpoint = "https://127.0.0.1:\(agency.busEndpointPort)"

            """
        }
        return text
    }

    /// What every node has: its signing identity, the shared trust, a required signature
    /// policy, its store, quick retries for a demo, the unit API listener and the log level.
    private static func node(signingAs party: String, store: String, unitAPIPort: Int, logLevel: Logger.Level) -> String {
        """
        [signing]
        key_file = "pki/\(party).key"
        certificate_file = "pki/\(party).pem"

        [trust]
        anchors = ["pki/trust.pem"]
        crls = ["pki/crl.pem"]

        [signature]
        policy = "require"

        [store]
        directory = "\(store)"

        [retry]
        base = "1s"
        cap = "30s"

        [relay]
        concurrency = 32

        [listeners.unit_api]
        address = "127.0.0.1"
        port = \(unitAPIPort)

        [log]
        level = "\(logLevel.rawValue)"

        """
    }

    /// A listener on loopback with the development TLS server certificate, requiring a client
    /// certificate from the development CA.
    private static func mutualTLSListener(_ name: String, port: Int) -> String {
        """
        [listeners.\(name)]
        address = "127.0.0.1"
        port = \(port)

        [listeners.\(name).tls]
        certificate_file = "pki/tls-server.pem"
        key_file = "pki/tls-server.key"
        client_ca_file = "pki/trust.pem"

        """
    }
}
