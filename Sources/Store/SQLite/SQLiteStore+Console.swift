import Foundation
import GRDB

/// Operator accounts and the read queries of the web console and `/metrics`.
extension SQLiteStore {
    static func addOperatorAccounts(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE operator_accounts (
                name TEXT PRIMARY KEY NOT NULL,
                role TEXT NOT NULL,
                password_hash TEXT NOT NULL,
                created_at INTEGER NOT NULL
            );
            CREATE TABLE readiness_heartbeat (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                at INTEGER NOT NULL
            );
            CREATE INDEX messages_by_sender ON messages(sender, created_at);
            CREATE INDEX attempts_by_time ON attempts(started_at);
            """)
    }

    // MARK: Accounts

    public func addOperator(_ account: OperatorAccount) async throws {
        guard OperatorAccount.isValidName(account.name) else {
            throw StoreError("operator.invalid_name", "an operator name is 1 to 64 letters, digits or . _ - @, found \"\(account.name)\"")
        }
        try await pool.write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM operator_accounts WHERE name = ?", arguments: [account.name]) == true {
                throw StoreError("operator.exists", "an operator named \(account.name) already exists")
            }
            try db.execute(sql: "INSERT INTO operator_accounts (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)",
                           arguments: [account.name, account.role.rawValue, account.passwordHash, account.createdAt.storeMillis])
        }
    }

    public func operators() async throws -> [OperatorAccount] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM operator_accounts ORDER BY name").map(Self.account(from:))
        }
    }

    public func operatorAccount(named name: String) async throws -> OperatorAccount? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM operator_accounts WHERE name = ?", arguments: [name]).map(Self.account(from:))
        }
    }

    public func setOperatorPassword(_ name: String, passwordHash: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE operator_accounts SET password_hash = ? WHERE name = ?", arguments: [passwordHash, name])
            if db.changesCount == 0 { throw StoreError("operator.not_found", "no operator is named \(name)") }
        }
    }

    public func removeOperator(_ name: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM operator_accounts WHERE name = ?", arguments: [name])
            if db.changesCount == 0 { throw StoreError("operator.not_found", "no operator is named \(name)") }
        }
    }

    private static func account(from row: Row) throws -> OperatorAccount {
        guard let role = OperatorRole(rawValue: row["role"]) else {
            throw StoreError("store.corrupt", "operator \(row["name"] as String) has an unknown role")
        }
        return OperatorAccount(name: row["name"], role: role, passwordHash: row["password_hash"],
                               createdAt: Date(storeMillis: row["created_at"]))
    }

    // MARK: Console queries

    public func search(_ query: ConsoleQuery) async throws -> ConsolePage {
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        let outbound = query.direction == .outbound
        let table = outbound ? "messages" : "inbound"
        let created = outbound ? "created_at" : "received_at"
        // Newest first. A message id begins with its creation time, so for messages the primary
        // key gives that order without a sort (delivered ones are in no other index).
        let order = outbound ? "id DESC" : "received_at DESC, id DESC"
        if let state = query.state, outbound {
            conditions.append("state = ?" + OpenMessageIndexes.term(for: state))
            arguments.append(state.rawValue)
        }
        if let destination = query.destination, !destination.isEmpty {
            conditions.append(outbound ? "destination = ?" : "recipient = ?"); arguments.append(destination)
        }
        if let sender = query.sender, !sender.isEmpty { conditions.append("sender = ?"); arguments.append(sender) }
        if let from = query.createdFrom { conditions.append("\(created) >= ?"); arguments.append(from.storeMillis) }
        if let before = query.createdBefore { conditions.append("\(created) < ?"); arguments.append(before.storeMillis) }
        if let text = query.text, !text.isEmpty {
            conditions.append("(instr(subject, ?) > 0 OR instr(document_id, ?) > 0)")
            arguments.append(text); arguments.append(text)
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let countArguments = StatementArguments(arguments)
        arguments.append(min(max(1, query.limit), 500))
        arguments.append(max(0, query.offset))
        let pageArguments = StatementArguments(arguments)
        return try await pool.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) \(whereClause)", arguments: countArguments) ?? 0
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM \(table) \(whereClause) ORDER BY \(order) LIMIT ? OFFSET ?",
                                        arguments: pageArguments)
            return ConsolePage(rows: rows.map { outbound ? Self.outboundRow($0) : Self.inboundRow($0) }, total: total)
        }
    }

    private static func outboundRow(_ row: Row) -> ConsoleRow {
        ConsoleRow(id: row["id"], direction: .outbound, documentID: row["document_id"], from: row["sender"],
                   to: row["destination"], subject: row["subject"], state: row["state"], attempts: row["attempts"],
                   createdAt: Date(storeMillis: row["created_at"]), lastReasonCode: row["last_reason_code"])
    }

    private static func inboundRow(_ row: Row) -> ConsoleRow {
        let acknowledged = (row["acknowledged_at"] as Int64?) != nil
        return ConsoleRow(id: row["id"], direction: .inbound, documentID: row["document_id"], from: row["sender"],
                          to: row["recipient"], subject: row["subject"], state: acknowledged ? "acknowledged" : "received",
                          attempts: 0, createdAt: Date(storeMillis: row["received_at"]), lastReasonCode: nil)
    }

    public func inboundMessage(_ id: String) async throws -> InboundMessage? {
        try await pool.read { db in
            try db.cachedStatement(sql: "SELECT \(InboundMessage.columns) FROM inbound WHERE id = ?")
                .decodeFirst(arguments: [id], InboundMessage.init(row:))
        }
    }

    /// The stored envelope of an inbound document.
    public func inboundEnvelope(_ id: String) async throws -> Data {
        guard let message = try await inboundMessage(id) else { throw StoreError.notFound(id) }
        return try await readBlob(message.blobSHA256)
    }

    /// Undelivered messages counted per sending unit (OrganId).
    public func undeliveredBySender() async throws -> [String: Int] {
        try await pool.read { db in
            let states = MessageState.undelivered.map { "'\($0.rawValue)'" }.joined(separator: ",")
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT sender, COUNT(*) AS n FROM messages WHERE state IN (\(states)) AND \(OpenMessageIndexes.condition) GROUP BY sender") {
                counts[row["sender"]] = row["n"]
            }
            return counts
        }
    }

    /// The undelivered message queued longest ago (one index seek per state).
    public func oldestUndelivered() async throws -> OutboundMessage? {
        try await pool.read { db in
            try MessageState.undelivered.compactMap { state in
                try db.cachedStatement(sql: "SELECT \(OutboundMessage.columns) FROM messages WHERE state = ? AND \(OpenMessageIndexes.condition) ORDER BY created_at LIMIT 1")
                    .decodeFirst(arguments: [state.rawValue], OutboundMessage.init(row:))
            }.min { $0.createdAt < $1.createdAt }
        }
    }

    public func attemptTally(since: Date) async throws -> AttemptTally {
        try await pool.read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT SUM(outcome = 'delivered') AS delivered, SUM(outcome IN ('retry', 'dead')) AS failed
                FROM attempts WHERE started_at >= ?
                """, arguments: [since.storeMillis])
            return AttemptTally(delivered: row?["delivered"] ?? 0, failed: row?["failed"] ?? 0)
        }
    }

    public func failureReasons(since: Date, limit: Int = 10) async throws -> [ReasonGroup] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT reason_code, COUNT(*) AS n, MAX(started_at) AS last_at,
                       (SELECT reason FROM attempts b WHERE b.reason_code = a.reason_code ORDER BY started_at DESC LIMIT 1) AS last_reason
                FROM attempts a WHERE started_at >= ? AND reason_code IS NOT NULL AND outcome <> 'delivered'
                GROUP BY reason_code ORDER BY last_at DESC LIMIT ?
                """, arguments: [since.storeMillis, limit]).map { row in
                ReasonGroup(reasonCode: row["reason_code"], count: row["n"], lastAt: Date(storeMillis: row["last_at"]),
                            lastReason: row["last_reason"] ?? "")
            }
        }
    }

    /// Writes one row, for the readiness probe: proves the database accepts writes now.
    public func touchHeartbeat() async throws {
        let now = nowMillis()
        try await pool.write { db in
            try db.execute(sql: "INSERT INTO readiness_heartbeat (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at",
                           arguments: [now])
        }
    }

    /// Bytes on disk: the database, its WAL and the blobs (a bounded walk of the blob tree).
    public func sizeOnDisk(maxFiles: Int = 1_000_000) -> Int64 {
        var total: Int64 = 0
        var seen = 0
        guard let walker = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.fileSizeKey, .isRegularFileKey]) else {
            return 0
        }
        for case let url as URL in walker {
            seen += 1
            if seen > maxFiles { break }
            if let values = try? url.resourceValues(forKeys: [.fileSizeKey, .isRegularFileKey]), values.isRegularFile == true {
                total += Int64(values.fileSize ?? 0)
            }
        }
        return total
    }
}
