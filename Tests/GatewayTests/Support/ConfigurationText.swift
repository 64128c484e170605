import Foundation

/// Builds configuration files for tests: the smallest valid gateway configuration, with the
/// pieces a test varies. Keys not given keep the daemon's defaults.
struct ConfigurationText {
    var organIds = ["000.00.00.G22"]
    var unitPort = 8080
    var unitTLS: String? = nil
    var busEndpoint: String? = nil
    var busURL = "http://127.0.0.1:9/vdxp"
    var busExtra = ""
    static let defaultSigning = "key_file = \"pki/gateway.key\"\ncertificate_file = \"pki/gateway.crt\""
    var signing = defaultSigning
    var units: [(name: String, tokenHash: String, organIds: [String])] = []
    var signaturePolicy = "off"
    var maxBody: String? = nil
    var extra = ""

    var text: String {
        var text = """
        [gateway]
        organ_ids = [\(organIds.map { "\"\($0)\"" }.joined(separator: ", "))]

        [signing]
        \(signing)

        [signature]
        policy = "\(signaturePolicy)"

        [bus]
        url = "\(busURL)"
        \(busExtra)

        [store]
        directory = "store"

        [listeners.unit_api]
        address = "127.0.0.1"
        port = \(unitPort)

        """
        if let unitTLS { text += "[listeners.unit_api.tls]\n\(unitTLS)\n" }
        if let busEndpoint { text += "[listeners.bus_endpoint]\n\(busEndpoint)\n" }
        if let maxBody { text += "[limits]\nmax_body = \(maxBody)\n" }
        for unit in units {
            text += """

            [[units]]
            name = "\(unit.name)"
            token_sha256 = "\(unit.tokenHash)"
            organ_ids = [\(unit.organIds.map { "\"\($0)\"" }.joined(separator: ", "))]

            """
        }
        return text + "\n" + extra
    }

    /// Writes the file, and beside it the signing identity the default `[signing]` names when
    /// there is none yet: serve loads its key at start and refuses to run without it.
    func write(to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        if signing == Self.defaultSigning,
           !FileManager.default.fileExists(atPath: directory.appendingPathComponent("pki/gateway.key").path) {
            try TestPKI.makeSigningIdentity(under: directory)
        }
        try Data(text.utf8).write(to: url)
    }
}
