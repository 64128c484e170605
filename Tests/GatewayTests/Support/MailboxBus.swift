import Foundation
import HTTPTypes
import Hummingbird

/// A VDXP bus that holds messages for the gateway until they are acknowledged (`done` or `fail`),
/// served over real HTTP by Hummingbird: the calls the poller makes, nothing else.
actor MailboxBus {
    private var waiting: [(docId: String, content: [UInt8])]
    private(set) var acknowledgements: [String] = []

    init(_ messages: [(String, [UInt8])]) {
        waiting = messages.map { (docId: $0.0, content: $0.1) }
    }

    var isEmpty: Bool { waiting.isEmpty }

    nonisolated func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("vdxp/{call}") { request, context -> Response in
            let call = context.parameters.get("call") ?? ""
            let header = { (name: String) in HTTPField.Name(name).flatMap { request.headers[$0] } ?? "" }
            return Self.json(await self.reply(to: call, docId: header("docId"), status: header("status")))
        }
        return router
    }

    private func reply(to call: String, docId: String, status: String) -> String {
        switch call {
        case "getReceivedEdocList":
            let items = waiting.map { #"{"docId":"\#($0.docId)","messageType":"edoc","from":"000.00.00.H41","to":["000.00.00.G22"]}"# }
            return #"{"status":"OK","data":[\#(items.joined(separator: ","))]}"#
        case "getEdoc":
            guard let message = waiting.first(where: { $0.docId == docId }) else {
                return #"{"status":"FAIL","ErrorCode":"-2","ErrorDesc":"not found"}"#
            }
            return #"{"status":"OK","data":"\#(Data(message.content).base64EncodedString())"}"#
        case "updateStatus":
            acknowledgements.append("\(docId)=\(status)")
            if status == "done" || status == "fail" { waiting.removeAll { $0.docId == docId } }
            return #"{"status":"OK"}"#
        default:
            return #"{"status":"FAIL","ErrorCode":"-1","ErrorDesc":"unknown call"}"#
        }
    }

    private static func json(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
