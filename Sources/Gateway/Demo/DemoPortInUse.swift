import EdXML

/// A port the demo needs is taken, most often by a demo already running.
public struct DemoPortInUse: ReasonCoded, Error, Sendable {
    public let port: Int
    public let purpose: String
    public let portBase: Int
    public let lastPort: Int

    init(port: Int, purpose: String, layout: DemoLayout) {
        self.port = port
        self.purpose = purpose
        portBase = layout.portBase
        lastPort = layout.listeners.map(\.port).max() ?? port
    }

    public var reasonCode: String { "demo.port_in_use" }
    public var explanation: String {
        "port \(port) on 127.0.0.1 (\(purpose)) is taken, perhaps by a demo already running; stop it, or choose other ports "
            + "with --port-base N (this demo uses \(portBase)–\(lastPort), N to N+\(lastPort - portBase))"
    }
}
