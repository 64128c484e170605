import Foundation
import Synchronization

/// Envelopes of messages just enqueued, kept in memory until their first read.
///
/// Nearly every message is read exactly once soon after it is queued: by the delivery worker
/// that sends it. Reading it back from SQLite costs a read transaction and, since every commit
/// in WAL mode empties a reader's page cache, the pages themselves again. An envelope never
/// changes once queued, so the copy handed to `enqueue` serves that first read. Entries are
/// added only after their rows committed, leave on first read, and the oldest go first when
/// the byte budget is spent (a destination that is down leaves its envelopes unread); any
/// read that misses goes to the database as before.
final class UnreadEnvelopes: Sendable {
    private struct Entries {
        var byID: [String: Data] = [:]
        var order: [String] = []
        var orderStart = 0
        var bytes = 0
    }

    private let entries = Mutex(Entries())
    let byteBudget: Int

    init(byteBudget: Int) {
        self.byteBudget = byteBudget
    }

    func keep(_ envelope: Data, for messageIDs: [String]) {
        guard byteBudget > 0, envelope.count <= byteBudget else { return }
        entries.withLock { entries in
            for id in messageIDs where entries.byID.updateValue(envelope, forKey: id) == nil {
                entries.order.append(id)
                entries.bytes += envelope.count
            }
            while entries.bytes > byteBudget, entries.orderStart < entries.order.count {
                let oldest = entries.order[entries.orderStart]
                entries.orderStart += 1
                if let dropped = entries.byID.removeValue(forKey: oldest) { entries.bytes -= dropped.count }
            }
            Self.compactOrder(&entries)
        }
    }

    /// The envelope if it is still here; it is forgotten either way.
    func take(_ messageID: String) -> Data? {
        entries.withLock { entries in
            guard let envelope = entries.byID.removeValue(forKey: messageID) else { return nil }
            entries.bytes -= envelope.count
            if entries.byID.isEmpty {
                entries.order.removeAll(keepingCapacity: true)
                entries.orderStart = 0
            }
            return envelope
        }
    }

    var count: Int { entries.withLock { $0.byID.count } }
    var orderLength: Int { entries.withLock { $0.order.count - $0.orderStart } }

    /// Ids already taken stay in `order` until they reach its front; the array is rebuilt when
    /// mostly stale so it cannot grow without bound.
    private static func compactOrder(_ entries: inout Entries) {
        guard entries.order.count > 1024, entries.order.count > 4 * max(entries.byID.count, 1) else { return }
        entries.order = entries.order[entries.orderStart...].filter { entries.byID[$0] != nil }
        entries.orderStart = 0
    }
}
