import Dispatch
import Foundation
import Synchronization
import Testing
import TestSupport
@testable import Store

/// Point lookups run in place on the caller's thread, on a connection of their own.
@Suite("store: lookups in place")
struct LookupTests {
    @Test("a lookup answers while every reader of the pool is busy, and sees what was just committed")
    func lookupDoesNotWaitForThePoolsReaders() async throws {
        // Without the in-memory copy of a new envelope, so its read goes to the database.
        let fixture = try StoreFixture(unreadEnvelopeBudget: 0)
        let id = try await fixture.enqueueOne("doc-lookup")
        let readers = fixture.store.pool.configuration.maximumReaderCount
        // Every reader held by a read that waits for a release. Were a lookup to borrow one of
        // them, the test's thread would wait here, and in the daemon, with every cooperative
        // thread so blocked, the reads holding the readers could never finish.
        let release = DispatchSemaphore(value: 0)
        let held = Tally()
        let holders = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<readers {
                    group.addTask {
                        try await fixture.store.pool.read { _ in
                            held.add()
                            release.wait()
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        for _ in 0..<500 where held.count < readers { try await Task.sleep(for: .milliseconds(10)) }
        let readersHeld = held.count
        #expect(readersHeld == readers)

        // A watchdog on a thread of its own releases the readers after 10 s, so a regression
        // fails this test instead of hanging it.
        let answered = DispatchSemaphore(value: 0)
        let releasedByWatchdog = Tally()
        Thread {
            if answered.wait(timeout: .now() + 10) == .timedOut { releasedByWatchdog.add() }
            for _ in 0..<readers { release.signal() }
        }.start()

        let envelope = try await fixture.store.envelope(ofMessage: id)
        let unknownAgency = try await fixture.store.agency(organId: "000.00.00.Z99")
        answered.signal()
        try await holders.value

        let watchdogFired = releasedByWatchdog.count > 0
        #expect(!watchdogFired, "the lookup waited for a reader of the pool")
        #expect(String(decoding: envelope, as: UTF8.self) == "<edXMLEnvelope>doc-lookup</edXMLEnvelope>")
        #expect(unknownAgency == nil)
    }
}

/// A count shared with closures that run on other threads.
private final class Tally: Sendable {
    private let value = Mutex(0)
    func add() { value.withLock { $0 += 1 } }
    var count: Int { value.withLock { $0 } }
}
