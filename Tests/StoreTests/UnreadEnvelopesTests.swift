import Foundation
import Testing
@testable import Store

/// A message's first read is served from the copy kept at enqueue; every read gives the bytes
/// the database holds.
@Suite("store: envelopes kept until their first read")
struct UnreadEnvelopesTests {
    @Test("the first read of a new message comes from memory, the next from the database, with the same bytes")
    func firstReadFromMemoryThenDatabase() async throws {
        let fixture = try StoreFixture()
        let receipt = try await fixture.store.enqueue(fixture.submission("doc-kept", to: ["000.00.00.H01", "000.00.00.H02"]))
        let ids = receipt.messages.map(\.messageID)
        #expect(fixture.store.unreadEnvelopes.count == 2)

        let first = try await fixture.store.envelope(ofMessage: ids[0])
        #expect(fixture.store.unreadEnvelopes.count == 1)
        let again = try await fixture.store.envelope(ofMessage: ids[0])
        let other = try await fixture.store.envelope(ofMessage: ids[1])
        #expect(fixture.store.unreadEnvelopes.count == 0)
        let expected = Data("<edXMLEnvelope>doc-kept</edXMLEnvelope>".utf8)
        #expect(first == expected)
        #expect(again == expected)
        #expect(other == expected)
    }

    @Test("a replayed idempotent submission and an envelope above the inline limit are not kept")
    func replaysAndLargeEnvelopesAreNotKept() async throws {
        let fixture = try StoreFixture(inlineBlobLimit: 64)
        let small = fixture.submission("doc-key", key: "key-1")
        let first = try await fixture.store.enqueue(small)
        _ = try await fixture.store.envelope(ofMessage: first.messages[0].messageID)
        let replay = try await fixture.store.enqueue(small)
        #expect(replay.replayed)
        #expect(fixture.store.unreadEnvelopes.count == 0)

        let large = fixture.submission("doc-large", body: "<edXMLEnvelope>" + String(repeating: "x", count: 200) + "</edXMLEnvelope>")
        let id = try await fixture.store.enqueue(large).messages[0].messageID
        #expect(fixture.store.unreadEnvelopes.count == 0)
        #expect(try await fixture.store.envelope(ofMessage: id) == large.envelope)
    }

    @Test("past the byte budget the oldest unread envelopes are dropped, and still read from the database")
    func budgetDropsTheOldest() async throws {
        let fixture = try StoreFixture(unreadEnvelopeBudget: 100)
        var ids: [String] = []
        for n in 0..<5 {
            // 40 bytes each: two fit in 100.
            ids.append(try await fixture.enqueueOne("doc-budget-\(n)"))
        }
        #expect(fixture.store.unreadEnvelopes.count == 2)
        for (n, id) in ids.enumerated() {
            let envelope = try await fixture.store.envelope(ofMessage: id)
            #expect(String(decoding: envelope, as: UTF8.self) == "<edXMLEnvelope>doc-budget-\(n)</edXMLEnvelope>")
        }
        #expect(fixture.store.unreadEnvelopes.count == 0)
    }

    @Test("the kept ids do not grow without bound when envelopes are read as they come")
    func orderStaysBounded() {
        let unread = UnreadEnvelopes(byteBudget: 1 << 20)
        for n in 0..<10_000 {
            unread.keep(Data("e".utf8), for: ["m\(n)"])
            if n % 100 != 0 { _ = unread.take("m\(n)") }
        }
        #expect(unread.count == 100)
        #expect(unread.orderLength <= 1_100)
        #expect(unread.take("m100") == Data("e".utf8))
        #expect(unread.take("m101") == nil)
    }
}
