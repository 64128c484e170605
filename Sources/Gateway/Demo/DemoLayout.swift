import Foundation

/// Where the demo network keeps everything and which loopback ports it uses. One data directory
/// holds the development PKI, the unit tokens, a configuration file per node and each node's
/// store, so a restart resumes the queues where they were.
public struct DemoLayout: Sendable {
    public struct Agency: Sendable {
        public let organId: String
        /// `gateway-a`, `gateway-b`: the node's file stem and store folder.
        public let node: String
        public let unitAPIPort: Int
        public let busEndpointPort: Int
    }

    public let directory: URL
    public let portBase: Int
    public let busOrganId: String
    public let agencies: [Agency]

    public init(directory: URL, portBase: Int, organIds: [String], busOrganId: String) {
        self.directory = directory.standardizedFileURL
        self.portBase = portBase
        self.busOrganId = busOrganId
        agencies = organIds.enumerated().map { index, organId in
            let letter = String(UnicodeScalar(UInt8(ascii: "a") + UInt8(index)))
            return Agency(organId: organId, node: "gateway-\(letter)", unitAPIPort: portBase + 10 + 2 * index,
                          busEndpointPort: portBase + 11 + 2 * index)
        }
    }

    /// The bus's VDXP API (mutual TLS).
    public var busAPIPort: Int { portBase }
    /// The bus node's own unit API listener: health, the operator console and metrics.
    public var busConsolePort: Int { portBase + 1 }
    public var busURL: String { "https://127.0.0.1:\(busAPIPort)/vdxp" }

    public var pkiDirectory: URL { directory.appendingPathComponent("pki") }
    public var tokensFile: URL { directory.appendingPathComponent("tokens.json") }
    public var busConfiguration: URL { directory.appendingPathComponent("bus.toml") }
    public func configuration(of agency: Agency) -> URL { directory.appendingPathComponent("\(agency.node).toml") }
    public func unitAPI(of agency: Agency) -> String { "http://127.0.0.1:\(agency.unitAPIPort)" }

    /// Every port the network listens on, with what listens there.
    public var listeners: [(port: Int, purpose: String)] {
        [(busAPIPort, "the bus's VDXP API"), (busConsolePort, "the bus's console")]
            + agencies.flatMap { [($0.unitAPIPort, "the unit API of \($0.organId)"), ($0.busEndpointPort, "the bus endpoint of \($0.organId)")] }
    }
}
