import Foundation
import GRDB
import Testing
@testable import Store

/// The record of who each sent document went to, which the status checks read.
@Suite struct DocumentRecipientsTests {
    @Test func everySubmissionOfADocumentAddsItsRecipients() async throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        _ = try await store.enqueue(OutboundSubmission(documentID: "D1", from: "A", to: ["B", "C"], envelope: Data("1".utf8)))
        // A recipient forgotten the first time gets the same DocumentId in a second submission.
        _ = try await store.enqueue(OutboundSubmission(documentID: "D1", from: "A", to: ["C", "E"], envelope: Data("2".utf8)))
        #expect(try store.recipients(ofDocument: "D1", sentBy: "A") == ["B", "C", "E"])
        #expect(try store.recipients(ofDocument: "D1", sentBy: "B").isEmpty, "the DocumentId is the sender's, not every sender's")
        #expect(try store.recipients(ofDocument: "D2", sentBy: "A").isEmpty)
    }

    @Test func statusesAndWebhookCopiesAreNotDocuments() async throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        _ = try await store.enqueue(OutboundSubmission(documentID: "D1", from: "B", to: ["A"], kind: "status", envelope: Data("s".utf8)))
        _ = try await store.enqueue(OutboundSubmission(documentID: "D1", from: "B", to: ["webhook:u"], kind: "webhook", envelope: Data("w".utf8)))
        #expect(try store.recipients(ofDocument: "D1", sentBy: "B").isEmpty)
    }

    /// An operator's purge of delivered messages must not let anyone report on the document.
    @Test func theRecordOutlivesAPurge() async throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        _ = try await store.enqueue(OutboundSubmission(documentID: "D1", from: "A", to: ["B"], envelope: Data("1".utf8)))
        let claim = try #require(try await store.claim(worker: "w", limit: 1, leaseDuration: .seconds(30)).first)
        try await store.complete(claim.lease, result: .delivered(httpStatus: 200), duration: .milliseconds(3))
        fixture.clock.advance(.seconds(60))
        let purged = try await store.purge(deliveredBefore: fixture.clock.now(), actor: "test")
        #expect(purged.messagesRemoved == 1)
        #expect(try store.recipients(ofDocument: "D1", sentBy: "A") == ["B"])
    }

    @Test func aReplayedSubmissionAddsNothing() async throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        let first = try await store.enqueue(OutboundSubmission(documentID: "D1", from: "A", to: ["B"], envelope: Data("1".utf8),
                                                               idempotencyKey: "k"))
        let again = try await store.enqueue(OutboundSubmission(documentID: "D1", from: "A", to: ["B"], envelope: Data("1".utf8),
                                                               idempotencyKey: "k"))
        #expect(again.replayed && again.submissionID == first.submissionID)
        let rows = try await store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM document_recipients") }
        #expect(rows == 1)
    }

    /// A status left waiting under a guessed DocumentId, by someone the document then was not
    /// sent to, does not show on it; what came after the sending passed the inbound checks.
    @Test func aStatusLeftBeforeTheDocumentWasSentShowsOnlyFromARecipient() async throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        let sentAt = fixture.clock.now()
        func status(_ code: String, by organId: String, secondsAfterSending offset: TimeInterval) -> StatusEvent {
            StatusEvent(documentID: "D1", documentSender: "A", code: code, organID: organId, at: sentAt.addingTimeInterval(offset))
        }
        try await store.recordStatus(status("06", by: "X", secondsAfterSending: -60))
        try await store.recordStatus(status("03", by: "B", secondsAfterSending: -30))
        #expect(try await store.timeline(ofDocument: "D1", sentBy: "A").map(\.code) == ["06", "03"], "not sent yet: nothing to check against")

        _ = try await store.enqueue(OutboundSubmission(documentID: "D1", from: "A", to: ["B"], envelope: Data("1".utf8)))
        try await store.recordStatus(status("01", by: "B", secondsAfterSending: 1))
        try await store.recordStatus(status("02", by: "BUS", secondsAfterSending: 2))
        let shown = try await store.timeline(ofDocument: "D1", sentBy: "A")
        #expect(shown.map { "\($0.code) \($0.organID)" } == ["03 B", "01 B", "02 BUS"])
    }
}
