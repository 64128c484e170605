import Foundation
import Testing
@testable import Store

/// A unit pages its inbox with the last id it saw; a document that commits after that page must
/// come after it, even when its receive began earlier (concurrent receives, a clock stepped back).
@Suite struct InboxOrderTests {
    @Test func aDocumentCommittedLaterSortsAfterTheCursorEvenIfItsReceiveBeganEarlier() async throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        let first = try await store.receive(InboundSubmission(
            messageKey: "G22/doc-1|H41", documentID: "doc-1", from: "G22", to: "H41", envelope: Data("<e>1</e>".utf8)))
        let page = try await store.inbox(forRecipients: ["H41"], after: nil, limit: 10)
        #expect(page.map(\.id) == [first.id])

        fixture.clock.advance(.seconds(-60))   // the next receive's id is made with an earlier time
        let second = try await store.receive(InboundSubmission(
            messageKey: "G22/doc-2|H41", documentID: "doc-2", from: "G22", to: "H41", envelope: Data("<e>2</e>".utf8)))
        #expect(second.id > first.id)
        let next = try await store.inbox(forRecipients: ["H41"], after: page.last?.id, limit: 10)
        #expect(next.map(\.documentID) == ["doc-2"], "the unit's next page holds the document committed after its cursor")
    }

    @Test func successorCountsTheLastCharacterUpWithCarry() {
        #expect(MessageID.successor(of: "01J0000000000000000000000Z") == "01J00000000000000000000010")
        #expect(MessageID.successor(of: "01J00000000000000000000010") == "01J00000000000000000000011")
        #expect(MessageID.successor(of: "01JZZZZZZZZZZZZZZZZZZZZZZZ") == "01K00000000000000000000000")
    }
}
