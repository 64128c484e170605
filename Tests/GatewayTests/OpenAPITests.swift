import Foundation
import Gateway
import Hummingbird
import Logging
import Testing
import TestSupport
import Yams

@Suite("docs/openapi.yaml matches the routes")
struct OpenAPITests {
    struct NoBus: BusInboundService {
        func receive(_ push: BusPush, logger: Logger) async throws -> BusReceipt { BusReceipt(id: "x", duplicate: false) }
    }

    @Test("every registered route is documented and every documented operation is registered")
    func routesMatch() throws {
        let text = try String(contentsOf: Paths.packageRoot.appendingPathComponent("docs/openapi.yaml"), encoding: .utf8)
        let document = try #require(try Yams.load(yaml: text) as? [String: Any])
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = try #require(document["paths"] as? [String: Any])
        let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options"]
        var documented: Set<String> = []
        for (path, item) in paths {
            let operations = try #require(item as? [String: Any])
            for method in operations.keys where methods.contains(method) {
                documented.insert("\(method.uppercased()) \(path)")
            }
        }

        var text2 = ConfigurationText()
        text2.busEndpoint = "address = \"127.0.0.1\"\nport = 8443\n"
        let configuration = try GatewayConfiguration.parse(text2.text, file: URL(fileURLWithPath: "/tmp/gateway.toml"))
        let services = GatewayServices(outbound: RecordingOutbound(), inbox: RecordingInbox(), busInbound: NoBus())
        let registered = Set((GatewayRouters.unitAPI(configuration: configuration, services: services).routes
            + GatewayRouters.busEndpoint(configuration: configuration, services: services).routes)
            .map { "\($0.method) \(Self.normalise($0.path.description))" })

        #expect(registered.count >= 13)
        #expect(registered.subtracting(documented).sorted() == [], "registered but not in docs/openapi.yaml")
        #expect(documented.subtracting(registered).sorted() == [], "in docs/openapi.yaml but not registered")
    }

    /// Hummingbird prints paths without the leading slash in some versions: compare as `/a/{b}`.
    static func normalise(_ path: String) -> String {
        path.hasPrefix("/") ? path : "/" + path
    }
}
