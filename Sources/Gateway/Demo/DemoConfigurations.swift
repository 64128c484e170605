import Foundation
import LibCrypto

/// The configuration files of the demo's nodes, written on every start (so `--port-base` can
/// change) from the layout, the PKI files and the secrets. They are ordinary configurations:
/// each also runs on its own with `lienthong serve --config <file>`.
enum DemoConfigurations {
    static func gateway(_ agency: DemoLayout.Agency, layout: DemoLayout, secrets: DemoSecrets) -> String {
        let tokenHash = SHA256Hasher.hexDigest(Array((secrets.tokens[agency.node] ?? "").utf8))
        return """
        # The demo's gateway for \(agency.organId). Written by `lienthong demo` at each start.
        [gateway]
        role = "gateway"
        organ_ids = ["\(agency.organId)"]

        [signing]
        key_file = "pki/org-\(agency.organId).key"
        certificate_file = "pki/org-\(agency.organId).pem"

        [trust]
        anchors = ["pki/trust.pem"]
        crls = ["pki/crl.pem"]

        [signature]
        policy = "require"

        [bus]
        url = "\(layout.busURL)"
        ca_file = "pki/trust.pem"
        client_certificate_file = "pki/tls-client-\(agency.organId).pem"
        client_key_file = "pki/tls-client-\(agency.organId).key"
        delivery = "push"

        [[units]]
        name = "office"
        token_sha256 = "\(tokenHash)"
        organ_ids = ["\(agency.organId)"]

        [store]
        directory = "\(agency.node)"

        [retry]
        base = "1s"
        cap = "30s"

        [listeners.unit_api]
        address = "127.0.0.1"
        port = \(agency.unitAPIPort)

        [listeners.bus_endpoint]
        address = "127.0.0.1"
        port = \(agency.busEndpointPort)

        [listeners.bus_endpoint.tls]
        certificate_file = "pki/tls-server.pem"
        key_file = "pki/tls-server.key"
        client_ca_file = "pki/trust.pem"

        [log]
        level = "info"

        """
    }

    /// The bus: its VDXP API over mutual TLS, and each agency registered by the fingerprint of
    /// its gateway's TLS client certificate, documents pushed to the gateway's bus endpoint.
    static func bus(layout: DemoLayout) throws -> String {
        var text = """
        # The demo's bus. Written by `lienthong demo` at each start.
        [gateway]
        role = "bus"
        organ_ids = ["\(layout.busOrganId)"]

        [signing]
        key_file = "pki/bus.key"
        certificate_file = "pki/bus.pem"

        [trust]
        anchors = ["pki/trust.pem"]
        crls = ["pki/crl.pem"]

        [signature]
        policy = "require"

        [store]
        directory = "bus"

        [retry]
        base = "1s"
        cap = "30s"

        [listeners.unit_api]
        address = "127.0.0.1"
        port = \(layout.busConsolePort)

        [listeners.bus_api]
        address = "127.0.0.1"
        port = \(layout.busAPIPort)

        [listeners.bus_api.tls]
        certificate_file = "pki/tls-server.pem"
        key_file = "pki/tls-server.key"
        client_ca_file = "pki/trust.pem"

        [push]
        ca_file = "pki/trust.pem"
        client_certificate_file = "pki/tls-client.pem"
        client_key_file = "pki/tls-client.key"

        [log]
        level = "info"

        """
        for agency in layout.agencies {
            let certificate = try Certificate(pem: Array(try Data(contentsOf: layout.pkiDirectory
                .appendingPathComponent("tls-client-\(agency.organId).pem"))))
            text += """

            [[agencies]]
            organ_id = "\(agency.organId)"
            name = "Demo agency \(agency.organId)"
            certificate_sha256 = "\(certificate.fingerprintHex)"
            push_endpoint = "https://127.0.0.1:\(agency.busEndpointPort)"

            """
        }
        return text
    }
}
