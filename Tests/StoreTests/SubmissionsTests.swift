import Foundation
import Testing
import TestSupport
import Store

@Suite("SubmissionStore: documents by the unit that submitted them")
struct SubmissionsTests {
    func withStore(_ body: (SQLiteStore) async throws -> Void) async throws {
        let directory = try TemporaryDirectory(prefix: "lienthong-submissions")
        defer { directory.remove() }
        try await body(try SQLiteStore(directory: directory.url, options: StoreOptions(durability: .normal)))
    }

    func submission(_ envelope: String, key: String? = nil, fingerprint: String? = nil, unit: String? = "office") -> OutboundSubmission {
        OutboundSubmission(documentID: "D-\(envelope)", from: "000.00.00.G22", to: ["A", "B"], subject: "s", envelope: Data(envelope.utf8),
                           idempotencyKey: key, requestFingerprint: fingerprint,
                           submitter: unit.map { Submitter(unit: $0, reference: "{\"ref\":1}") })
    }

    @Test("the submitter is kept with the messages; another unit finds nothing")
    func scoped() async throws {
        try await withStore { store in
            let receipt = try await store.enqueue(submission("one"))
            let found = try #require(try await store.submission(id: receipt.submissionID, unit: "office"))
            #expect(found.deliveries.map(\.destination) == ["A", "B"])
            #expect(found.reference == "{\"ref\":1}")
            #expect(found.state == .queued)
            #expect(try await store.submission(id: receipt.submissionID, unit: "other") == nil)
            #expect(try await store.submissions(unit: "other", state: nil, before: nil, limit: 10).isEmpty)
            // Messages queued without a submitter (statuses) are nobody's document.
            let status = try await store.enqueue(submission("status", unit: nil))
            #expect(try await store.submission(id: status.submissionID, unit: "office") == nil)
            #expect(try await store.submissions(unit: "office", state: nil, before: nil, limit: 10).map(\.id) == [receipt.submissionID])
        }
    }

    @Test("a request fingerprint decides replays: new envelope same request replays, another request conflicts")
    func fingerprints() async throws {
        try await withStore { store in
            let first = try await store.enqueue(submission("signed at 08:00", key: "k", fingerprint: "request-1"))
            let again = try await store.enqueue(submission("signed at 08:01", key: "k", fingerprint: "request-1"))
            #expect(again.replayed && again.submissionID == first.submissionID)
            await #expect(throws: StoreError.self) { try await store.enqueue(submission("x", key: "k", fingerprint: "request-2")) }
            #expect(try await store.idempotencyRecord(forKey: "k") == IdempotencyRecord(submissionID: first.submissionID, fingerprint: "request-1"))
            #expect(try await store.list(MessageFilter()).count == 2)
        }
    }

    @Test("the document's state: dead or held speak first, then work in progress, then delivered, then cancelled")
    func overallState() {
        #expect(MessageState.overall(of: [.delivered, .dead]) == .dead)
        #expect(MessageState.overall(of: [.queued, .held]) == .held)
        #expect(MessageState.overall(of: [.delivered, .retryWait, .queued]) == .retryWait)
        #expect(MessageState.overall(of: [.delivered, .cancelled]) == .delivered)
        #expect(MessageState.overall(of: [.cancelled, .cancelled]) == .cancelled)
        #expect(MessageState.overall(of: []) == .delivered)
    }

    @Test("the state filter and the cursor in SQL agree with the state in Swift")
    func filterAndCursor() async throws {
        try await withStore { store in
            var ids: [String] = []
            for name in ["a", "b", "c"] { ids.append(try await store.enqueue(submission(name)).submissionID) }
            let claims = try await store.claim(worker: "w", limit: 10, leaseDuration: .seconds(30))
            for claim in claims where claim.message.submissionID == ids[1] {
                try await store.complete(claim.lease, result: .delivered(httpStatus: 200), duration: .milliseconds(1))
            }
            for claim in claims where claim.message.submissionID == ids[2] {
                try await store.complete(claim.lease, result: .failed(.http(status: 400, retryAfter: nil, detail: "no")),
                                         duration: .milliseconds(1))
            }
            let all = try await store.submissions(unit: "office", state: nil, before: nil, limit: 10)
            // Newest first by id: ids begin with their millisecond, so ids made in one millisecond
            // sort among themselves by their random part.
            #expect(all.map(\.id) == ids.sorted(by: >))
            for state in MessageState.allCases {
                let filtered = try await store.submissions(unit: "office", state: state, before: nil, limit: 10)
                #expect(filtered.map(\.id) == all.filter { $0.state == state }.map(\.id), "\(state)")
            }
            #expect(try await store.submissions(unit: "office", state: nil, before: all[0].id, limit: 1).map(\.id) == [all[1].id])
        }
    }

    @Test("a recall is recorded once per recipient")
    func recalls() async throws {
        try await withStore { store in
            let receipt = try await store.enqueue(submission("r"))
            let at = Date(timeIntervalSince1970: 1_795_000_000)
            try await store.recordRecall([RecallEntry(destination: "A", action: .cancelled, statusMessageID: nil, reason: "first",
                                                      actor: "unit:office", at: at)], submissionID: receipt.submissionID)
            try await store.recordRecall([RecallEntry(destination: "A", action: .statusQueued, statusMessageID: "S", reason: "second",
                                                      actor: "unit:office", at: at),
                                          RecallEntry(destination: "B", action: .statusQueued, statusMessageID: "S2", reason: "second",
                                                      actor: "unit:office", at: at)], submissionID: receipt.submissionID)
            let recall = try #require(try await store.submission(id: receipt.submissionID, unit: "office")).recall
            #expect(recall.map(\.destination) == ["A", "B"])
            #expect(recall.map(\.action) == [.cancelled, .statusQueued])
            #expect(recall[0].reason == "first")
        }
    }
}
