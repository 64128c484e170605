import EdXML
import Foundation
import Gateway
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Store
import Testing
import TestSupport

@Suite("lienthong serve joins the outbound side")
struct ServeOutboundTests {
    @Test("a document posted to the daemon is durable: after SIGTERM the store holds it signed, per recipient")
    func postToDaemon() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let token = "daemon-unit-token-0f9e"
        var text = ConfigurationText()
        text.unitPort = freeLoopbackPort()
        text.units = [("office", UnitAuthenticator.tokenHashHex(token), ["000.00.00.G22"])]
        let file = directory.file("gateway.toml")
        try text.write(to: file)
        let daemon = try DaemonProcess(configuration: file, directory: directory.url)
        let headers: HTTPFields = [.authorization: "Bearer \(token)", .contentType: "application/json"]

        var receipt: OutboundReceipt?
        for _ in 0..<100 where receipt == nil {
            let response = try? await TestClient.withClient(host: "127.0.0.1", port: text.unitPort) { client in
                try await client.post("/v1/documents", headers: headers, body: ByteBuffer(data: OutboundFixture.documentJSON(from: "000.00.00.G22")))
            }
            if let response {
                #expect(response.status == .accepted, "\(response.body.map { String(buffer: $0) } ?? "")")
                receipt = try JSONDecoder().decode(OutboundReceipt.self, from: Data(buffer: try #require(response.body)))
            } else {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        let accepted = try #require(receipt, "no answer: \(daemon.stderr)")
        let shown = try await TestClient.withClient(host: "127.0.0.1", port: text.unitPort) { client in
            try await client.get("/v1/documents/\(accepted.id)", headers: [.authorization: "Bearer \(token)"])
        }
        #expect(shown.status == .ok)
        #expect(await daemon.stop(signal: SIGTERM) == 0, "\(daemon.stderr)")
        #expect(daemon.stderr.split(separator: "\n").contains { $0.contains("msg=\"outbound document accepted\"") && $0.contains("message_id=\(accepted.id)") })

        let store = try SQLiteStore(directory: directory.file("store"))
        let messages = try await store.list(MessageFilter(limit: 10))
        #expect(messages.map(\.destination).sorted() == OutboundFixture.recipients.sorted())
        for message in messages {
            let read = try EdXMLReader().read(try await store.envelope(ofMessage: message.id))
            #expect(read.message.signature?.inXMLDSigNamespace == true)
            #expect(read.message.traceList?.traces.last?.organId?.text == "000.00.00.G22")
        }
    }
}
