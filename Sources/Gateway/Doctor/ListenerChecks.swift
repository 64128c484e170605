import Foundation

/// Each listener's address is an IP address or a name that resolves, and its port can be bound.
enum ListenerChecks {
    static let listeners = DoctorCheck("listeners") { context in
        let listeners = context.configuration.listeners
        var findings: [DoctorFinding] = []
        for case let (key, listener?) in [("listeners.unit_api", listeners.unitAPI), ("listeners.bus_endpoint", listeners.busEndpoint),
                                            ("listeners.bus_api", listeners.busAPI)] {
            findings.append(contentsOf: check(key, listener, isBusEndpoint: key.hasSuffix("bus_endpoint")))
        }
        if !listeners.unitAPI.isLoopback && context.configuration.metrics.tokenSHA256 == nil {
            findings.append(.warn("metrics.token_sha256", "/metrics on \(listeners.unitAPI.address) answers whoever reaches the unit API listener (the OrganIds you exchange with, the queue, the refusals)",
                                  fix: "set [metrics] token_sha256 to the SHA-256 of a token your scraper sends as a bearer token"))
        }
        return findings
    }

    static func check(_ key: String, _ listener: GatewayConfiguration.Listener, isBusEndpoint: Bool) -> [DoctorFinding] {
        let addresses = SocketAddressResolver.resolve(host: listener.address, port: listener.port)
        guard !addresses.isEmpty else {
            return [.fail("\(key).address", "\(listener.address) is neither an IP address nor a name that resolves",
                          fix: "use an address of this machine, e.g. 127.0.0.1 or 0.0.0.0")]
        }
        var findings: [DoctorFinding] = []
        switch SocketAddressResolver.canBind(addresses[0]) {
        case .success:
            findings.append(.ok("\(key)", "\(listener.address):\(listener.port) can be bound"))
        case .failure(let error) where error.code == EADDRINUSE:
            findings.append(.warn("\(key).port", "\(listener.address):\(listener.port) is in use (a running lienthong, or another program)",
                                  fix: "stop the other program or choose another port"))
        case .failure(let error):
            findings.append(.fail("\(key).address", "cannot bind \(listener.address):\(listener.port): \(error.message)",
                                  fix: error.code == EACCES ? "use a port above 1023 or grant CAP_NET_BIND_SERVICE"
                                                            : "use an address of this machine"))
        }
        if listener.tls == nil && !listener.isLoopback {
            findings.append(.warn("\(key).tls", "listens on \(listener.address) without TLS",
                                  fix: "add [\(key).tls] with certificate_file and key_file, or listen on 127.0.0.1 behind a TLS proxy"))
        }
        if isBusEndpoint, let tls = listener.tls, tls.clientCAFile == nil {
            findings.append(.warn("\(key).tls.client_ca_file", "the bus endpoint does not ask for the bus's client certificate",
                                  fix: "set client_ca_file to the CA of the bus's client certificate (mutual TLS)"))
        }
        return findings
    }
}
