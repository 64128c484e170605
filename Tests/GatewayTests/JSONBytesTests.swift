import Foundation
@testable import Gateway
import Testing

@Suite("JSON replies of the bus API")
struct JSONBytesTests {
    @Test("objects come out with sorted keys and read back as what went in")
    func roundTrip() throws {
        let value: [String: Any] = [
            "status": "OK", "ErrorCode": "0", "ErrorDesc": "", "count": 42, "ratio": 0.5, "done": true, "none": NSNull(),
            "to": ["000.00.00.G22", "000.00.00.H41"],
            "refused": [["OrganId": "000.00.00.Z99", "ErrorDesc": "Cơ quan \"không\" đăng ký\\ở\n\tđây\u{01}/"]],
        ]
        let bytes = try #require(JSONBytes.encode(value))
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix(#"{"ErrorCode":"0","ErrorDesc":"","count":42,"done":true,"none":null,"#))
        #expect(text.contains(#"\"không\" đăng ký\\ở\n\tđây\u0001/"#))
        let back = try #require(JSONSerialization.jsonObject(with: Data(bytes)) as? NSDictionary)
        #expect(back == value as NSDictionary)
    }

    @Test("a value JSON cannot carry is refused, not written half")
    func refusesUnknownValues() {
        #expect(JSONBytes.encode(["at": Date()]) == nil)
        #expect(JSONBytes.encode(["x": Double.nan]) == nil)
    }
}
