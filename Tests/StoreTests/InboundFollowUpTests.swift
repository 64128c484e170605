import Foundation
import Testing
@testable import Store

/// A new inbox row and its follow-up (the 01 to the sender) commit together; a duplicate
/// queues nothing.
@Suite("store: a follow-up queued with its inbox row")
struct InboundFollowUpTests {
    func submission(_ fixture: StoreFixture, key: String = "G22/doc-5") -> InboundSubmission {
        InboundSubmission(
            messageKey: key, documentID: "doc-5", from: "000.00.00.G22", to: "000.00.00.H01",
            envelope: Data("<edXMLEnvelope>doc-5</edXMLEnvelope>".utf8),
            followUp: InboundFollowUp(
                submission: OutboundSubmission(documentID: "doc-5", from: "000.00.00.H01", to: ["000.00.00.G22"],
                                               subject: "status 01", kind: "status",
                                               envelope: Data("<edXMLEnvelope>01 for doc-5</edXMLEnvelope>".utf8)),
                idempotencyKeyPrefix: "inbound-01:"))
    }

    @Test("the follow-up is queued under the prefix and the row's id, and a duplicate queues nothing more")
    func followUpQueuedOnceWithTheRow() async throws {
        let fixture = try StoreFixture()
        let first = try await fixture.store.receive(submission(fixture))
        guard case .stored(let id, let queued?) = first else {
            Issue.record("expected a stored row with its follow-up, got \(first)")
            return
        }
        #expect(queued.messages.map(\.destination) == ["000.00.00.G22"])
        let keyed = try await fixture.store.submission(idempotencyKey: "inbound-01:\(id)")
        #expect(keyed?.submissionID == queued.submissionID)
        #expect(try await fixture.store.envelope(ofMessage: queued.messages[0].messageID)
                == Data("<edXMLEnvelope>01 for doc-5</edXMLEnvelope>".utf8))

        let again = try await fixture.store.receive(submission(fixture))
        #expect(again == .duplicate(id: id))
        #expect(try await fixture.store.stats().byState[.queued] == 1)
    }

    @Test("a follow-up the store refuses leaves no inbox row behind")
    func refusedFollowUpStoresNothing() async throws {
        let fixture = try StoreFixture()
        var bad = submission(fixture, key: "G22/doc-6")
        bad.followUp?.submission.to = []
        await #expect(throws: StoreError.self) { try await fixture.store.receive(bad) }
        #expect(try await fixture.store.inbox(after: nil, limit: 10).isEmpty)
        #expect(try await fixture.store.stats().byState[.queued] == nil)
    }
}
