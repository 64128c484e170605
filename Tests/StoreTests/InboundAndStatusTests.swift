import Foundation
import Testing
@testable import Store

@Suite struct InboundAndStatusTests {
    @Test func theDuplicateCheckStoresAMessageKeyOnce() async throws {
        let fixture = try StoreFixture()
        let submission = InboundSubmission(messageKey: "G22/doc-9", documentID: "doc-9", from: "G22", to: "H01",
                                           envelope: Data("<e/>".utf8))
        let first = try await fixture.store.receive(submission)
        let second = try await fixture.store.receive(submission)
        #expect(first == .stored(id: first.id))
        #expect(second == .duplicate(id: first.id))
        let inbox = try await fixture.store.inbox(after: nil, limit: 10)
        #expect(inbox.map(\.messageKey) == ["G22/doc-9"])
        try await fixture.store.acknowledgeInbound(first.id)
        #expect(try await fixture.store.inbox(after: nil, limit: 10).isEmpty)
    }

    @Test func statusesFormTheDocumentsTimelineAndBadCodesAreRefused() async throws {
        let fixture = try StoreFixture()
        let id = try await fixture.enqueueOne("doc-7")
        let start = fixture.clock.now()
        try await fixture.store.recordStatus(StatusEvent(documentID: "doc-7", code: "03", organID: "H01", at: start.addingTimeInterval(60)))
        try await fixture.store.recordStatus(StatusEvent(documentID: "doc-7", code: "01", organID: "H01", at: start))
        for bad in ["00", "17", "1", "ab"] {
            await #expect(throws: StoreError.self) {
                try await fixture.store.recordStatus(StatusEvent(documentID: "doc-7", code: bad, organID: "H01", at: start))
            }
        }
        #expect(try await fixture.store.detail(ofMessage: id).timeline.map(\.code) == ["01", "03"])
    }
}
