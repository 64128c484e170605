import Foundation
import GRDB

extension SQLiteStore {
    public func list(_ filter: MessageFilter) async throws -> [OutboundMessage] {
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let state = filter.state {
            conditions.append("state = ?" + OpenMessageIndexes.term(for: state))
            arguments.append(state.rawValue)
        }
        if let destination = filter.destination { conditions.append("destination = ?"); arguments.append(destination) }
        if let before = filter.createdBefore {
            if filter.state == nil && filter.destination == nil {
                // Ids begin with their creation time, so the primary key answers "older than"
                // without a scan (and without one more index for every enqueue to maintain).
                conditions.append("id < ?")
                arguments.append(MessageID.timePrefix(of: before))
            } else {
                conditions.append("created_at < ?")
                arguments.append(before.storeMillis)
            }
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        // An undelivered state's index gives the creation order; otherwise ids, which begin
        // with their creation time, do.
        let order = filter.state == nil || filter.state == .delivered ? "id" : "created_at"
        arguments.append(max(0, filter.limit))
        let sql = "SELECT \(OutboundMessage.columns) FROM messages \(whereClause) ORDER BY \(order) LIMIT ?"
        let bound = StatementArguments(arguments)
        return try await pool.read { db in
            try db.makeStatement(sql: sql).decodeAll(arguments: bound, OutboundMessage.init(row:))
        }
    }

    public func detail(ofMessage id: String) async throws -> MessageDetail {
        try await pool.read { db in
            guard let message = try db.cachedStatement(sql: "SELECT \(OutboundMessage.columns) FROM messages WHERE id = ?")
                .decodeFirst(arguments: [id], OutboundMessage.init(row:)) else {
                throw StoreError.notFound(id)
            }
            let attempts = try Row.fetchAll(db, sql: "SELECT * FROM attempts WHERE message_id = ? ORDER BY number",
                                            arguments: [id]).map(Attempt.init(row:))
            let changes = try Row.fetchAll(db, sql: "SELECT * FROM state_changes WHERE message_id = ? ORDER BY id",
                                           arguments: [id]).map(StateChange.init(row:))
            let actions = try Row.fetchAll(db, sql: "SELECT * FROM operator_actions WHERE message_id = ? ORDER BY id",
                                           arguments: [id]).map(OperatorAction.init(row:))
            let timeline = try Self.timeline(db, documentID: message.documentID, sender: message.from)
            return MessageDetail(message: message, attempts: attempts, changes: changes, timeline: timeline,
                                 operatorActions: actions)
        }
    }

    public func stats() async throws -> QueueStats {
        try await pool.read { db in
            let byDestination = try MessageCounts.counts(db)
            var byState: [MessageState: Int] = [:]
            for (state, count) in byDestination.values.joined() { byState[state, default: 0] += count }
            // One index seek per state, rather than MIN over an IN list that SQLite would scan.
            var oldest: Int64?
            for state in MessageState.undelivered {
                if let created = try Int64.fetchOne(db, sql: "SELECT MIN(created_at) FROM messages WHERE state = ?" + OpenMessageIndexes.term(for: state),
                                                    arguments: [state.rawValue]) {
                    oldest = min(oldest ?? created, created)
                }
            }
            return QueueStats(byState: byState, byDestination: byDestination,
                              oldestUndeliveredAt: oldest.map(Date.init(storeMillis:)),
                              breakers: try Self.breakers(db))
        }
    }

    public func breakers() async throws -> [DestinationBreaker] {
        try await pool.read { db in try Self.breakers(db) }
    }

    private static func breakers(_ db: Database) throws -> [DestinationBreaker] {
        try Row.fetchAll(db, sql: "SELECT * FROM destinations ORDER BY destination").map { row in
            DestinationBreaker(destination: row["destination"],
                               state: BreakerState(rawValue: row["breaker"]) ?? .closed,
                               consecutiveFailures: row["consecutive_failures"],
                               openedAt: (row["opened_at"] as Int64?).map(Date.init(storeMillis:)),
                               retryAt: (row["retry_at"] as Int64?).map(Date.init(storeMillis:)))
        }
    }

    public func recordStatus(_ event: StatusEvent) async throws {
        try Self.checkStatus(event)
        try await pool.write { db in try Self.insertStatus(event, db: db) }
    }

    static func checkStatus(_ event: StatusEvent) throws {
        guard StatusEvent.isValidCode(event.code) else {
            throw StoreError("status.code_invalid", "the status code \(event.code) is not one of 01 to 16")
        }
        guard !event.documentID.isEmpty else {
            throw StoreError("status.document_missing", "the status names no document")
        }
    }

    static func insertStatus(_ event: StatusEvent, db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO statuses (document_id, document_sender, code, organ_id, description, at) VALUES (?, ?, ?, ?, ?, ?)
            """).execute(arguments: [event.documentID, event.documentSender, event.code, event.organID, event.description,
                                     event.at.storeMillis])
    }

    /// The statuses of the document `sender` sent as `documentID`, oldest first. Rows stored
    /// before v12 named no sender and stay on every document with their DocumentId.
    ///
    /// For a document this store sent (one `document_recipients` records), a status from
    /// someone it was not sent to shows only if it came after the document was first sent:
    /// from then on the inbound checks let only a recipient (or the bus itself) report on it,
    /// and before then anyone who guessed the DocumentId could have left one waiting.
    public func timeline(ofDocument documentID: String, sentBy sender: String) async throws -> [StatusEvent] {
        try await pool.read { db in try Self.timeline(db, documentID: documentID, sender: sender) }
    }

    private static func timeline(_ db: Database, documentID: String, sender: String) throws -> [StatusEvent] {
        try Row.fetchAll(db, sql: """
            WITH sent AS (SELECT recipient, recorded_at FROM document_recipients WHERE sender = :sender AND document_id = :document)
            SELECT s.* FROM statuses s
            WHERE s.document_id = :document AND s.document_sender IN (:sender, '')
              AND (NOT EXISTS (SELECT 1 FROM sent) OR s.organ_id IN (SELECT recipient FROM sent)
                   OR s.at >= (SELECT MIN(recorded_at) FROM sent))
            ORDER BY s.at, s.id
            """, arguments: ["document": documentID, "sender": sender]).map {
            StatusEvent(documentID: $0["document_id"], documentSender: $0["document_sender"], code: $0["code"],
                        organID: $0["organ_id"], description: $0["description"], at: Date(storeMillis: $0["at"]))
        }
    }
}

extension Attempt {
    init(row: Row) {
        number = row["number"]
        worker = row["worker"]
        startedAt = Date(storeMillis: row["started_at"])
        duration = (row["duration_ms"] as Int64?).map { .milliseconds($0) }
        httpStatus = row["http_status"]
        transportError = row["transport_error"]
        reasonCode = row["reason_code"]
        reason = row["reason"]
        outcome = Outcome(rawValue: row["outcome"]) ?? .inFlight
    }
}

extension StateChange {
    init(row: Row) {
        at = Date(storeMillis: row["at"])
        from = (row["from_state"] as String?).flatMap(MessageState.init(rawValue:))
        to = MessageState(rawValue: row["to_state"]) ?? .queued
        reasonCode = row["reason_code"]
        detail = row["detail"]
        actor = row["actor"]
    }
}

extension OperatorAction {
    init(row: Row) {
        at = Date(storeMillis: row["at"])
        actor = row["actor"]
        action = row["action"]
        messageID = row["message_id"]
        reason = row["reason"]
        result = row["result"]
    }
}
