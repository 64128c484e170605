import Foundation
import GRDB
import Testing
import TestSupport
@testable import Store

/// The inbound pipeline's part of the store: verdicts, recalls, scoped inbox queries, refusals.
@Suite struct InboxRefusalTests {
    func submission(_ key: String, document: String = "D1", from: String = "H41", to: String = "G22",
                    recall: InboundRecall? = nil, status: StatusEvent? = nil, kind: String = "edoc") -> InboundSubmission {
        InboundSubmission(messageKey: key, documentID: document, from: from, to: to, subject: "s", kind: kind,
                          envelope: Data("<edXML>\(key)</edXML>".utf8), verdict: "valid", status: status, recall: recall)
    }

    @Test func theInboxIsScopedToRecipientsAndHoldsDocumentsOnly() async throws {
        let directory = try TemporaryDirectory(prefix: "lienthong-inbox")
        defer { directory.remove() }
        let store = try SQLiteStore(directory: directory.url)
        let forG22 = try await store.receive(submission("a"))
        _ = try await store.receive(submission("b", to: "G23"))
        _ = try await store.receive(submission("c", kind: "status"))
        #expect(try await store.inbox(forRecipients: ["G22"], after: nil, limit: 10).map(\.id) == [forG22.id])
        #expect(try await store.inbox(forRecipients: ["G22"], after: nil, limit: 10).first?.verdict == "valid")
        #expect(try await store.inbox(forRecipients: [], after: nil, limit: 10).isEmpty)
        #expect(try await store.inboundDocument(forG22.id, forRecipients: ["G23"]) == nil)
        #expect(try await store.acknowledgeInbound(forG22.id, forRecipients: ["G23"]) == false)
        #expect(try await store.acknowledgeInbound(forG22.id, forRecipients: ["G22"]))
        #expect(try await store.inbox(forRecipients: ["G22"], after: nil, limit: 10).isEmpty)
    }

    @Test func aRecallMarksTheDocumentAndReturnsItToTheListWithItsStatusInOneTransaction() async throws {
        let directory = try TemporaryDirectory(prefix: "lienthong-inbox")
        defer { directory.remove() }
        let store = try SQLiteStore(directory: directory.url)
        let document = try await store.receive(submission("doc"))
        #expect(try await store.acknowledgeInbound(document.id, forRecipients: ["G22"]))
        let thirteen = StatusEvent(documentID: "D1", documentSender: "H41", code: "13", organID: "H41", description: "sai", at: Date())
        let recall = try await store.receive(submission("recall", recall: InboundRecall(documentID: "D1", sender: "H41", reason: "sai"),
                                                        status: thirteen, kind: "status"))
        let marked = try #require(try await store.inboundMessage(document.id))
        #expect(marked.recalledAt != nil)
        #expect(marked.recallReason == "sai")
        #expect(marked.acknowledgedAt == nil)
        #expect(try await store.timeline(ofDocument: "D1", sentBy: "H41").map(\.code) == ["13"])
        // The same recall again is a duplicate and records nothing more.
        #expect(try await store.receive(submission("recall", recall: InboundRecall(documentID: "D1", sender: "H41", reason: "sai"),
                                                   status: thirteen, kind: "status")) == .duplicate(id: recall.id))
        #expect(try await store.timeline(ofDocument: "D1", sentBy: "H41").count == 1)
        // Another sender cannot recall it.
        _ = try await store.receive(submission("forged", from: "X", recall: InboundRecall(documentID: "D1", sender: "X", reason: ""), kind: "status"))
        #expect(try await store.inboundMessage(document.id)?.recallReason == "sai")
    }

    @Test func aRefusalIsKeptOncePerEnvelopeAndReasonWithItsBlob() async throws {
        let directory = try TemporaryDirectory(prefix: "lienthong-inbox")
        defer { directory.remove() }
        let store = try SQLiteStore(directory: directory.url, options: StoreOptions(blobGrace: .zero))
        let bytes = Data("<edXML>tampered</edXML>".utf8)
        let refusal = RefusalSubmission(envelope: bytes, reasonCode: "signature.digest_mismatch", reason: "changed",
                                        sender: "H41", documentID: "D1", recipients: ["G22", "G23"], source: "push")
        let first = try await store.recordRefusal(refusal)
        let second = try await store.recordRefusal(RefusalSubmission(envelope: bytes, reasonCode: "signature.digest_mismatch",
                                                                     reason: "changed", sender: "H41", documentID: "D1",
                                                                     recipients: ["G22"], source: "poll:bus-9"))
        #expect(second.id == first.id)
        #expect(second.times == 2)
        #expect(second.source == "poll:bus-9")
        #expect(first.recipients == ["G22", "G23"])
        try await store.noteRefusalStatus(first.id, statusMessageID: "S1")
        #expect(try await store.refusal(first.id)?.statusMessageID == "S1")
        #expect(try await store.refusals(limit: 10).count == 1)
        #expect(try await store.collectBlobs(grace: .zero) == 0, "the collector keeps a refusal's blob")
        #expect(try await store.refusalEnvelope(first.id) == bytes)
    }

    @Test func inboundRowsOfTheThirdSchemaReadAsUnchecked() async throws {
        let directory = try TemporaryDirectory(prefix: "lienthong-inbox")
        defer { directory.remove() }
        do {
            let pool = try DatabasePool(path: directory.file("queue.sqlite").path)
            try SQLiteSchema.migrator.migrate(pool, upTo: "v3-operator-accounts")
            try await pool.write { db in
                try db.execute(sql: """
                    INSERT INTO inbound (id, message_key, document_id, sender, recipient, subject, kind, blob_sha256, blob_size, received_at)
                    VALUES ('OLD', 'k', 'D', 'H41', 'G22', '', 'edoc', 'abc', 1, 1)
                    """)
            }
        }
        let store = try SQLiteStore(directory: directory.url)
        let old = try #require(try await store.inboundMessage("OLD"))
        #expect(old.verdict == "unchecked")
        #expect(old.recalledAt == nil)
    }
}
