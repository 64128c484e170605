import Foundation
import Testing
import TestSupport
@testable import Store

@Suite struct SeenSignatureTests {
    @Test func aSignatureIsAcceptedOnceUntilItExpiresAndAcrossAReopening() async throws {
        let directory = try TemporaryDirectory(prefix: "lienthong-seen")
        defer { directory.remove() }
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let expiry = now.addingTimeInterval(120)
        do {
            let store = try SQLiteStore(directory: directory.url)
            #expect(try await store.rememberSignature("aa", until: expiry, now: now))
            #expect(try await store.rememberSignature("aa", until: expiry, now: now.addingTimeInterval(60)) == false)
            #expect(try await store.rememberSignature("bb", until: expiry, now: now))
        }
        let reopened = try SQLiteStore(directory: directory.url)
        #expect(try await reopened.rememberSignature("aa", until: expiry, now: now.addingTimeInterval(119)) == false,
                "a restart forgets no signature")
        let later = now.addingTimeInterval(121)
        #expect(try await reopened.rememberSignature("aa", until: later.addingTimeInterval(120), now: later),
                "an expired signature is forgotten (the timestamp check refuses it as stale first)")
        let left = try await reopened.pool.read { db in try String.fetchAll(db, sql: "SELECT signature FROM seen_signatures") }
        #expect(left == ["aa"], "expired signatures are swept")
    }

    @Test func ofConcurrentCallsWithOneSignatureExactlyOneIsAccepted() async throws {
        let fixture = try StoreFixture()
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let accepted = try await withThrowingTaskGroup(of: Bool.self) { group in
            for number in 0..<40 {
                let signature = number % 2 == 0 ? "same" : "other-\(number)"
                group.addTask { try await fixture.store.rememberSignature(signature, until: now.addingTimeInterval(60), now: now) }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(accepted == 21, "the 20 distinct signatures and one of the 20 copies")
    }
}
