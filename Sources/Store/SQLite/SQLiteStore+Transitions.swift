import Foundation
import GRDB

/// The one place a message's state is written: the move is checked against the state machine,
/// made only if the row is still in the state it was read in, and recorded in `state_changes`.
enum Transition {
    static func move(_ db: Database, id: String, from: MessageState, to: MessageState, at now: Int64,
                     reasonCode: String?, detail: String? = nil, actor: String,
                     setting columns: KeyValuePairs<String, (any DatabaseValueConvertible)?> = [:]) throws {
        try from.checkTransition(to: to, messageID: id)
        var assignments = ["state = ?", "state_changed_at = ?"]
        var arguments: [(any DatabaseValueConvertible)?] = [to.rawValue, now]
        for (column, value) in columns {
            assignments.append("\(column) = ?")
            arguments.append(value)
        }
        arguments.append(contentsOf: [id, from.rawValue])
        try db.cachedStatement(sql: "UPDATE messages SET \(assignments.joined(separator: ", ")) WHERE id = ? AND state = ?")
            .execute(arguments: StatementArguments(arguments))
        guard db.changesCount == 1 else {
            throw StoreError("queue.concurrent_change", "message \(id) changed while it was being moved from \(from.rawValue)")
        }
        try record(db, id: id, from: from, to: to, at: now, reasonCode: reasonCode, detail: detail, actor: actor)
    }

    /// The history row of a move (`from` nil for a message's first state).
    static func record(_ db: Database, id: String, from: MessageState?, to: MessageState, at now: Int64,
                       reasonCode: String?, detail: String? = nil, actor: String) throws {
        try db.cachedStatement(sql: """
            INSERT INTO state_changes (message_id, at, from_state, to_state, reason_code, detail, actor)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [id, now, from?.rawValue, to.rawValue, reasonCode, detail, actor])
    }

    /// What a claim's history row says of it.
    static func claimDetail(attempt: Int, worker: String) -> String { "attempt \(attempt) by \(worker)" }

    static func state(of row: Row) throws -> MessageState {
        try state(row["state"], ofMessage: row["id"] as String? ?? "?")
    }

    static func state(_ raw: String, ofMessage id: String) throws -> MessageState {
        guard let state = MessageState(rawValue: raw) else {
            throw StoreError("store.corrupt", "message \(id) has an unknown state \(raw)")
        }
        return state
    }
}
