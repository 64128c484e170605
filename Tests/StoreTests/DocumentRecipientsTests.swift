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
}
