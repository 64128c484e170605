import Foundation
import GRDB

/// An operator's command on messages: which states it applies to, where it takes them.
struct OperatorMove: Sendable {
    var action: String
    var from: Set<MessageState>
    var to: MessageState
    /// How a message in another state is described in the summary ("was not held").
    var notApplicable: String

    static let hold = OperatorMove(action: "hold", from: [.queued, .retryWait], to: .held,
                                   notApplicable: "only queued or retry_wait messages can be held")
    static let release = OperatorMove(action: "release", from: [.held], to: .queued,
                                      notApplicable: "only held messages can be released")
    static let retry = OperatorMove(action: "retry", from: [.dead, .retryWait], to: .queued,
                                    notApplicable: "only dead or retry_wait messages can be retried")
    static let cancel = OperatorMove(action: "cancel", from: [.queued, .retryWait, .held, .dead], to: .cancelled,
                                     notApplicable: "only queued, retry_wait, held or dead messages can be cancelled")
}

extension SQLiteStore {
    public func hold(_ ids: [String], actor: String, reason: String?) async throws -> OperatorOutcome {
        try await apply(.hold, to: .ids(ids), actor: actor, reason: reason)
    }

    public func release(_ ids: [String], actor: String, reason: String?) async throws -> OperatorOutcome {
        try await apply(.release, to: .ids(ids), actor: actor, reason: reason)
    }

    public func retry(_ selection: MessageSelection, actor: String, reason: String?) async throws -> OperatorOutcome {
        try await apply(.retry, to: selection, actor: actor, reason: reason)
    }

    public func cancel(_ ids: [String], actor: String, reason: String) async throws -> OperatorOutcome {
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw StoreError("queue.reason_required", "cancelling a message needs a reason")
        }
        return try await apply(.cancel, to: .ids(ids), actor: actor, reason: reason)
    }

    /// Moves each selected message it applies to, skips the others with why, and records every
    /// decision in the operator-action log, all in one transaction.
    private func apply(_ move: OperatorMove, to selection: MessageSelection, actor: String,
                       reason: String?) async throws -> OperatorOutcome {
        let now = nowMillis()
        return try await pool.write { db in
            var outcome = OperatorOutcome()
            for id in try Self.ids(of: selection, db: db) {
                let result: String
                if let row = try Row.fetchOne(db, sql: "SELECT id, state FROM messages WHERE id = ?", arguments: [id]) {
                    let state = try Transition.state(of: row)
                    if move.from.contains(state) {
                        try Transition.move(db, id: id, from: state, to: move.to, at: now, reasonCode: "operator.\(move.action)",
                                            detail: reason, actor: actor, setting: Self.columns(for: move.to, now: now))
                        outcome.changed.append(id)
                        result = move.to.rawValue
                    } else {
                        outcome.skipped.append(.init(messageID: id, reasonCode: "queue.wrong_state",
                                                     reason: "it is \(state.rawValue); \(move.notApplicable)"))
                        result = "skipped: it is \(state.rawValue)"
                    }
                } else {
                    outcome.skipped.append(.init(messageID: id, reasonCode: "queue.not_found", reason: "no such message"))
                    result = "skipped: no such message"
                }
                try Self.log(db, at: now, actor: actor, action: move.action, messageID: id, reason: reason, result: result)
            }
            return outcome
        }
    }

    private static func ids(of selection: MessageSelection, db: Database) throws -> [String] {
        switch selection {
        case .ids(let ids):
            var seen = Set<String>()
            return ids.filter { seen.insert($0).inserted }
        case .state(let state, let destination?):
            return try String.fetchAll(db, sql: """
                SELECT id FROM messages WHERE destination = ? AND state = ?\(OpenMessageIndexes.term(for: state)) ORDER BY created_at
                """, arguments: [destination, state.rawValue])
        case .state(let state, nil):
            return try String.fetchAll(db, sql: "SELECT id FROM messages WHERE state = ?\(OpenMessageIndexes.term(for: state)) ORDER BY created_at",
                                       arguments: [state.rawValue])
        }
    }

    /// A released or retried message is due now with a fresh attempt and age budget.
    private static func columns(for state: MessageState, now: Int64) -> KeyValuePairs<String, (any DatabaseValueConvertible)?> {
        state == .queued ? ["due_at": now, "budget_attempts": 0, "age_origin": now] : ["due_at": nil]
    }

    static func log(_ db: Database, at now: Int64, actor: String, action: String, messageID: String?,
                    reason: String?, result: String) throws {
        try db.execute(sql: """
            INSERT INTO operator_actions (at, actor, action, message_id, reason, result) VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [now, actor, action, messageID, reason, result])
    }

    public func purge(deliveredBefore cutoff: Date, actor: String) async throws -> PurgeOutcome {
        let now = nowMillis()
        let removed = try await pool.write { db in
            let selection = "SELECT id FROM messages WHERE state = 'delivered' AND state_changed_at < ?"
            let arguments: StatementArguments = [cutoff.storeMillis]
            // The operator-action log is an audit trail: it outlives the messages it names.
            for table in ["attempts", "state_changes"] {
                try db.execute(sql: "DELETE FROM \(table) WHERE message_id IN (\(selection))", arguments: arguments)
            }
            try db.execute(sql: "DELETE FROM messages WHERE state = 'delivered' AND state_changed_at < ?", arguments: arguments)
            let count = db.changesCount
            // The bus role's mailbox: what its recipients acknowledged before the cutoff goes too.
            try Self.purgeAcknowledgedMailbox(before: cutoff.storeMillis, db: db)
            try Self.log(db, at: now, actor: actor, action: "purge", messageID: nil,
                         reason: "delivered before \(ISO8601DateFormatter().string(from: cutoff))",
                         result: "\(count) messages removed")
            return count
        }
        let blobsRemoved = try await collectBlobs(grace: options.blobGrace)
        return PurgeOutcome(messagesRemoved: removed, blobsRemoved: blobsRemoved)
    }

    public func collectBlobs(grace: Duration) async throws -> Int {
        let blobs = self.blobs
        // File times come from the system clock, so the grace period is measured on it too.
        let cutoff = Date().addingTimeInterval(-grace.timeInterval)
        let inventory = try await offloaded { blobs.inventory() }
        let referenced = try await pool.read { db in Set(try String.fetchAll(db, sql: Self.referencedBlobsSQL)) }
        let unreferenced = inventory.blobs.filter { !referenced.contains($0.sha) && $0.modified < cutoff }.map(\.sha)
        let strays = inventory.temporaries.filter { $0.modified < cutoff }.map(\.url)
        try await offloaded {
            unreferenced.forEach(blobs.remove)
            strays.forEach { try? FileManager.default.removeItem(at: $0) }
        }
        return unreferenced.count + (try await collectInlineBlobs())
    }
}
