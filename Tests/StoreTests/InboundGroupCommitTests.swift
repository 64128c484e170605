import Foundation
import GRDB
import Testing
@testable import Store

/// Concurrent receives share one transaction; the duplicate check inside it still stores a key
/// once, and one item's failure leaves the others' writes in place.
@Suite struct InboundGroupCommitTests {
    @Test func concurrentReceivesOfOneKeyStoreItOnce() async throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        let at = fixture.clock.now()
        let receipts = try await withThrowingTaskGroup(of: InboundReceipt.self) { group in
            for _ in 0..<16 {
                group.addTask {
                    try await store.receive(InboundSubmission(
                        messageKey: "H41/doc-5|G22", documentID: "doc-5", from: "H41", to: "G22", envelope: Data("<e/>".utf8),
                        status: StatusEvent(documentID: "doc-5", documentSender: "H41", code: "01", organID: "G22", at: at)))
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let stored = receipts.filter { if case .stored = $0 { true } else { false } }
        #expect(stored.count == 1)
        #expect(Set(receipts.map(\.id)).count == 1)
        #expect(try await store.inbox(after: nil, limit: 50).map(\.messageKey) == ["H41/doc-5|G22"])
        // The status rides with the row: stored once too.
        #expect(try await store.timeline(ofDocument: "doc-5", sentBy: "H41").map(\.code) == ["01"])
    }

    @Test func concurrentReceivesOfDistinctDocumentsAreAllStored() async throws {
        let fixture = try StoreFixture(durability: .full)
        let store = fixture.store
        let receipts = try await withThrowingTaskGroup(of: InboundReceipt.self) { group in
            for number in 0..<24 {
                group.addTask {
                    try await store.receive(InboundSubmission(
                        messageKey: "H41/doc-\(number)", documentID: "doc-\(number)", from: "H41", to: "G22",
                        envelope: Data("<e>\(number)</e>".utf8)))
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(receipts.allSatisfy { if case .stored = $0 { true } else { false } })
        let inbox = try await store.inbox(after: nil, limit: 50)
        #expect(Set(inbox.map(\.id)) == Set(receipts.map(\.id)))
        for message in inbox {
            #expect(try await store.inboundEnvelope(message.id) == Data("<e>\(message.documentID.dropFirst(4))</e>".utf8))
        }
    }

    @Test func oneItemsFailureUndoesOnlyItsOwnWrites() async throws {
        let fixture = try StoreFixture()
        let results = try await fixture.store.pool.writeTransaction { db in
            db.eachIsolated(["doc-1", "doc-2", "doc-3"]) { document in
                try db.execute(sql: "INSERT INTO statuses (document_id, code, organ_id, description, at) VALUES (?, '01', 'G22', '', 0)",
                               arguments: [document])
                if document == "doc-2" { throw StoreError("test.refused", "refused on purpose") }
                return document
            }
        }
        #expect(results.map { (try? $0.get()) ?? "failed" } == ["doc-1", "failed", "doc-3"])
        for (document, expected) in [("doc-1", 1), ("doc-2", 0), ("doc-3", 1)] {
            #expect(try await fixture.store.timeline(ofDocument: document, sentBy: "H41").count == expected)
        }
    }

    /// Items run without savepoints until one fails; then the batch runs again, each item in its
    /// own savepoint. Whatever the path, what commits is exactly the items that succeeded, once.
    @Test func theFastPathAndTheRetryCommitEachGoodItemOnce() async throws {
        let fixture = try StoreFixture()
        @Sendable func insert(_ document: String, _ db: Database) throws -> String {
            try db.execute(sql: "INSERT INTO statuses (document_id, code, organ_id, description, at) VALUES (?, '01', 'G22', '', 0)",
                           arguments: [document])
            return document
        }
        let clean = try await fixture.store.pool.writeTransaction { db in
            db.eachIsolated(["a-1", "a-2"]) { try insert($0, db) }
        }
        #expect(clean.map { try? $0.get() } == ["a-1", "a-2"])
        let lone = try await fixture.store.pool.writeTransaction { db in
            db.eachIsolated(["b-1"]) { document -> String in
                _ = try insert(document, db)
                throw StoreError("test.refused", "refused after writing")
            }
        }
        #expect(lone.map { try? $0.get() } == [nil])
        let last = try await fixture.store.pool.writeTransaction { db in
            db.eachIsolated(["c-1", "c-2", "c-3"]) { document -> String in
                _ = try insert(document, db)
                if document == "c-3" { throw StoreError("test.refused", "refused after writing") }
                return document
            }
        }
        #expect(last.map { try? $0.get() } == ["c-1", "c-2", nil])
        for (document, expected) in [("a-1", 1), ("a-2", 1), ("b-1", 0), ("c-1", 1), ("c-2", 1), ("c-3", 0)] {
            #expect(try await fixture.store.timeline(ofDocument: document, sentBy: "H41").count == expected, "\(document)")
        }
    }
}
