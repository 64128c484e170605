import Foundation
import JSONText
import Testing

@Suite("JSON the gateway writes: the bus API's replies, the stored document reference")
struct JSONBytesTests {
    @Test("objects come out with sorted keys and read back as what went in")
    func roundTrip() throws {
        let value: JSONValue = [
            "status": "OK", "ErrorCode": "0", "ErrorDesc": "", "count": 42, "negative": .int(-7), "done": true, "none": .null,
            "to": .strings(["000.00.00.G22", "000.00.00.H41"]), "empty": [], "nothing": .object([:]),
            "refused": [["OrganId": "000.00.00.Z99", "ErrorDesc": "Cơ quan \"không\" đăng ký\\ở\n\tđây\u{01}/"]],
        ]
        let bytes = JSONBytes.encode(value)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix(#"{"ErrorCode":"0","ErrorDesc":"","count":42,"done":true,"empty":[],"negative":-7,"none":null,"nothing":{},"#))
        #expect(text.contains(#"\"không\" đăng ký\\ở\n\tđây\u0001/"#))
        let back = try #require(JSONSerialization.jsonObject(with: Data(bytes)) as? NSDictionary)
        let expected: NSDictionary = [
            "status": "OK", "ErrorCode": "0", "ErrorDesc": "", "count": 42, "negative": -7, "done": true, "none": NSNull(),
            "to": ["000.00.00.G22", "000.00.00.H41"], "empty": [Any](), "nothing": [String: Any](),
            "refused": [["OrganId": "000.00.00.Z99", "ErrorDesc": "Cơ quan \"không\" đăng ký\\ở\n\tđây\u{01}/"]],
        ]
        #expect(back == expected)
    }
}
