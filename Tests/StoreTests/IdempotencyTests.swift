import Foundation
import Testing
@testable import Store

@Suite struct IdempotencyTests {
    @Test func theSameKeyReturnsTheFirstMessagesAndQueuesNothingNew() async throws {
        let fixture = try StoreFixture()
        let first = try await fixture.store.enqueue(fixture.submission(to: ["A", "B"], key: "unit-1/42"))
        #expect(!first.replayed)
        #expect(first.messages.count == 2)
        let again = try await fixture.store.enqueue(fixture.submission(to: ["A", "B"], key: "unit-1/42"))
        #expect(again.replayed)
        #expect(again.submissionID == first.submissionID)
        #expect(Set(again.messages.map(\.messageID)) == Set(first.messages.map(\.messageID)))
        #expect(try await fixture.store.stats().byState[.queued] == 2)
    }

    @Test func theSameKeyForDifferentContentIsRefused() async throws {
        let fixture = try StoreFixture()
        _ = try await fixture.store.enqueue(fixture.submission(key: "k", body: "one"))
        await #expect(throws: StoreError.idempotencyConflict("k")) {
            _ = try await fixture.store.enqueue(fixture.submission(key: "k", body: "two"))
        }
        #expect(try await fixture.store.stats().byState[.queued] == 1)
    }

    /// Concurrent submissions with one key land in the same group commit or in successive ones;
    /// either way exactly one is queued and the others get its messages.
    @Test func concurrentRepeatsQueueOnce() async throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        let submission = fixture.submission(key: "race")
        let receipts = try await withThrowingTaskGroup(of: EnqueueReceipt.self) { group in
            for _ in 0..<16 { group.addTask { try await store.enqueue(submission) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(receipts.filter { !$0.replayed }.count == 1)
        #expect(Set(receipts.map(\.submissionID)).count == 1)
        #expect(try await store.stats().byState[.queued] == 1)
    }

    @Test func invalidSubmissionsAreRefusedBeforeAnythingIsStored() async throws {
        let fixture = try StoreFixture()
        for bad in [fixture.submission(to: []), fixture.submission(to: ["A", "A"]), fixture.submission(to: [""]),
                    fixture.submission("")] {
            await #expect(throws: StoreError.self) { _ = try await fixture.store.enqueue(bad) }
        }
        #expect(try await fixture.store.stats().byState.isEmpty)
        #expect(fixture.store.blobs.inventory().blobs.isEmpty)
    }
}
