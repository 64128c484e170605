import Foundation
import Synchronization
import TestSupport
@testable import Store

/// A clock the test moves by hand.
final class ManualClock: StoreClock {
    private let current: Mutex<Date>
    init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) { current = Mutex(start) }
    func now() -> Date { current.withLock { $0 } }
    func advance(_ duration: Duration) { current.withLock { $0 = $0.addingTimeInterval(duration.timeInterval) } }
}

/// Jitter fractions from a fixed list, cycling, so a retry schedule is reproducible.
final class ScriptedJitter: JitterSource {
    private let fractions: [Double]
    private let index = Mutex(0)
    init(_ fractions: [Double]) { self.fractions = fractions }
    func nextFraction() -> Double {
        index.withLock { i in
            defer { i += 1 }
            return fractions[i % fractions.count]
        }
    }
}

/// A store in a fresh temporary directory, removed when the test drops it.
final class StoreFixture: Sendable {
    let directory: TemporaryDirectory
    let clock: ManualClock
    let store: SQLiteStore

    init(policy: QueuePolicy = QueuePolicy(), jitter: [Double] = [0.5], durability: Durability = .normal,
         blobGrace: Duration = .zero, inlineBlobLimit: Int = 256 << 10,
         unreadEnvelopeBudget: Int = 16 << 20) throws {
        directory = try TemporaryDirectory(prefix: "lienthong-store")
        clock = ManualClock()
        store = try SQLiteStore(directory: directory.url,
                                options: StoreOptions(durability: durability, policy: policy, clock: clock,
                                                      jitter: ScriptedJitter(jitter), blobGrace: blobGrace,
                                                      inlineBlobLimit: inlineBlobLimit,
                                                      unreadEnvelopeBudget: unreadEnvelopeBudget))
    }

    deinit { directory.remove() }

    func submission(_ document: String = "doc-1", to: [String] = ["000.00.00.H01"], key: String? = nil,
                    body: String? = nil) -> OutboundSubmission {
        OutboundSubmission(documentID: document, from: "000.00.00.G22", to: to, subject: "Công văn \(document)",
                           kind: "edoc", envelope: Data((body ?? "<edXMLEnvelope>\(document)</edXMLEnvelope>").utf8),
                           idempotencyKey: key)
    }

    /// Enqueues one message and returns its id.
    func enqueueOne(_ document: String = "doc-1", to destination: String = "000.00.00.H01") async throws -> String {
        try await store.enqueue(submission(document, to: [destination])).messages[0].messageID
    }

    func state(_ id: String) async throws -> MessageState {
        try await store.detail(ofMessage: id).message.state
    }

    /// Claims exactly the one due message the test expects.
    func claimOnly(worker: String = "w1", lease: Duration = .seconds(30), line: Int = #line) async throws -> ClaimedMessage {
        let claimed = try await store.claim(worker: worker, limit: 10, leaseDuration: lease)
        guard claimed.count == 1 else {
            throw StoreError("test.unexpected", "expected one claim at line \(line), got \(claimed.count)")
        }
        return claimed[0]
    }
}

extension Error {
    var storeReasonCode: String? { (self as? StoreError)?.reasonCode }
}
