@testable import Relay
import Testing

/// The national bus's replies are read as they come: capitals of names vary, ids come as text or
/// as numbers, and a name sent twice counts once (the last time), as JSONSerialization read it.
@Suite struct VDXPReplyTests {
    func reply(_ text: String) throws -> VDXPReply { try VDXPReply(body: Array(text.utf8)) }

    @Test func scalarsReadAsText() throws {
        let reply = try reply(#"{"Status": "OK", "DocId": 123456789, "ratio": 2.5, "whole": 3.0, "flag": true, "none": null, "list": [1]}"#)
        #expect(reply.isOK)
        #expect(reply.string("docId") == "123456789")
        #expect(reply.string("ratio") == "2.5")
        #expect(reply.string("whole") == "3")
        #expect(reply.string("flag") == "true")
        #expect(reply.string("none") == nil)
        #expect(reply.string("list") == nil)
    }

    @Test func aNameSentTwiceCountsTheLastTime() throws {
        #expect(try reply(#"{"status": "FAIL", "status": "OK"}"#).isOK)
    }

    @Test func aReplyThatIsNotAnObjectIsABadReply() {
        for text in ["", "[]", "\"OK\"", "{\"status\": \"OK\"", "<html>502</html>"] {
            #expect(throws: RelayFailure.self) { try reply(text) }
        }
    }

    @Test func listsAndObjectsInARecordKeepTheirJSONText() {
        let record = VDXPRecord(["docId": .string("d1"), "to": .array([.string("000.00.00.G22"), .int(7)]),
                                 "extra": .object(["b": .int(1), "a": .null])])
        #expect(record["DOCID"] == "d1")
        #expect(record.list("to") == ["000.00.00.G22", "7"])
        #expect(record["extra"] == #"{"a":null,"b":1}"#)
    }
}
