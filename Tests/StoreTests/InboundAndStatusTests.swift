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
        try await fixture.store.recordStatus(StatusEvent(documentID: "doc-7", documentSender: "000.00.00.G22", code: "03", organID: "H01", at: start.addingTimeInterval(60)))
        try await fixture.store.recordStatus(StatusEvent(documentID: "doc-7", documentSender: "000.00.00.G22", code: "01", organID: "H01", at: start))
        for bad in ["00", "17", "1", "ab"] {
            await #expect(throws: StoreError.self) {
                try await fixture.store.recordStatus(StatusEvent(documentID: "doc-7", documentSender: "000.00.00.G22", code: bad, organID: "H01", at: start))
            }
        }
        #expect(try await fixture.store.detail(ofMessage: id).timeline.map(\.code) == ["01", "03"])
    }

    /// A DocumentId is whatever its sender wrote: another sender's document with the same one has
    /// a timeline of its own, and neither sees the other's statuses.
    @Test func aTimelineBelongsToTheDocumentsSenderAndDocumentId() async throws {
        let fixture = try StoreFixture()
        let at = fixture.clock.now()
        try await fixture.store.recordStatus(StatusEvent(documentID: "same", documentSender: "000.00.00.G22", code: "03",
                                                         organID: "H01", at: at))
        try await fixture.store.recordStatus(StatusEvent(documentID: "same", documentSender: "000.00.00.G23", code: "02",
                                                         organID: "H01", description: "sai", at: at))
        #expect(try await fixture.store.timeline(ofDocument: "same", sentBy: "000.00.00.G22").map(\.code) == ["03"])
        #expect(try await fixture.store.timeline(ofDocument: "same", sentBy: "000.00.00.G23").map(\.code) == ["02"])
        #expect(try await fixture.store.timeline(ofDocument: "same", sentBy: "000.00.00.X99").isEmpty)
    }
}
