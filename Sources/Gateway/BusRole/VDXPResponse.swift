import Foundation
import HTTPTypes
import Hummingbird
import JSONText

/// The VDXP reply shape `VDXPReply` parses: a JSON object with `status` "OK" or "FAIL",
/// `ErrorCode` and `ErrorDesc`, and the call's own fields. Refusals are HTTP 200 with `FAIL`,
/// as the national bus answers them, so clients read the `ErrorCode`; only a fault of the bus
/// itself is a 500 (which clients retry).
enum VDXPResponse {
    static func ok(_ fields: [String: JSONValue] = [:]) -> Response {
        var object = fields
        object["status"] = "OK"
        object["ErrorCode"] = "0"
        object["ErrorDesc"] = ""
        return json(object, status: .ok)
    }

    static func fail(_ code: String, _ description: String, status: HTTPResponse.Status = .ok) -> Response {
        json(["status": "FAIL", "ErrorCode": .string(code), "ErrorDesc": .string(description)], status: status)
    }

    private static func json(_ object: [String: JSONValue], status: HTTPResponse.Status) -> Response {
        let bytes = JSONBytes.encode(.object(object))
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// Times in replies: ISO 8601, UTC, milliseconds.
    static func time(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
