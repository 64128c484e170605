import GRDB

/// The hot paths run the same few statements for every message. `db.execute(sql:)` and
/// `Row.fetchAll(db, sql:)` compile them at every call, and GRDB's authorizer walks each compile;
/// a cached statement is compiled once per connection. Rows are decoded by position while the
/// statement is stepped: no copy of the row, no search of a column by name.
extension Statement {
    /// Every row, each decoded by `decode` as it is stepped.
    func decodeAll<T>(arguments: StatementArguments = StatementArguments(), _ decode: (Row) throws -> T) throws -> [T] {
        let cursor = try Row.fetchCursor(self, arguments: arguments)
        var values: [T] = []
        while let row = try cursor.next() {
            values.append(try decode(row))
        }
        return values
    }

    /// The first row decoded by `decode`, or nil when there is none.
    func decodeFirst<T>(arguments: StatementArguments = StatementArguments(), _ decode: (Row) throws -> T) throws -> T? {
        let cursor = try Row.fetchCursor(self, arguments: arguments)
        // The cursor resets the statement when it goes: keep it until the row is decoded.
        return try withExtendedLifetime(cursor) { try cursor.next().map(decode) }
    }
}

extension Database {
    /// Runs `body` in a savepoint of the current transaction, released on success and rolled
    /// back on error (which is rethrown): `inSavepoint` with its three statements cached (GRDB's
    /// compiles them at every call, twice per item of a group commit).
    func inCachedSavepoint<T>(_ body: () throws -> T) throws -> T {
        guard isInsideTransaction else {
            // The transaction ended under us (SQLite aborts it on some I/O errors): a savepoint
            // here would open a new one that commits on its own.
            throw StoreError("store.unavailable", "the store's transaction was aborted")
        }
        try cachedStatement(sql: "SAVEPOINT item").execute()
        do {
            let value = try body()
            try cachedStatement(sql: "RELEASE SAVEPOINT item").execute()
            return value
        } catch {
            try? cachedStatement(sql: "ROLLBACK TRANSACTION TO SAVEPOINT item").execute()
            try? cachedStatement(sql: "RELEASE SAVEPOINT item").execute()
            throw error
        }
    }

    /// Each item of a group commit, one item's error (an idempotency conflict, a lost lease)
    /// undoing only that item's writes. Errors are rare, and a savepoint per item was two more
    /// statements per message at every hop, so the items first run without any; when one fails,
    /// the transaction is rolled back, begun again, and every item run in its own savepoint.
    /// Only inside `DatabasePool.writeTransaction` (GRDB's own `write` takes the restart for an
    /// abort); `body` must have no effect beyond `db`, since it may run twice.
    func eachIsolated<Item, Output>(_ items: [Item], _ body: (Item) throws -> Output) -> [Result<Output, any Error>] {
        do {
            return try items.map { .success(try body($0)) }
        } catch {
            if isInsideTransaction { try? cachedStatement(sql: "ROLLBACK").execute() }
            do {
                try cachedStatement(sql: "BEGIN IMMEDIATE").execute()
            } catch let restart {
                return items.map { _ in .failure(restart) }
            }
            if items.count == 1 { return [.failure(error)] }
        }
        return items.map { item in Result { try inCachedSavepoint { try body(item) } } }
    }
}

extension DatabasePool {
    /// `write` with its `BEGIN IMMEDIATE` and `COMMIT` compiled once per connection: GRDB's
    /// `write` compiles both anew for every transaction, which on the group-commit and claim
    /// paths costs as much as some of the statements inside. Rolls back and rethrows on error,
    /// as `write` does.
    ///
    /// `.deferred` commits without a sync of their own (see `CommitSync`).
    func writeTransaction<T: Sendable>(_ sync: CommitSync = .immediate,
                                       _ updates: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await writeWithoutTransaction { db in
            if sync == .deferred {
                try db.cachedStatement(sql: "PRAGMA synchronous = NORMAL").execute()
            }
            defer {
                if sync == .deferred { try? db.cachedStatement(sql: "PRAGMA synchronous = FULL").execute() }
            }
            try db.cachedStatement(sql: "BEGIN IMMEDIATE").execute()
            do {
                let result = try updates(db)
                try db.cachedStatement(sql: "COMMIT").execute()
                return result
            } catch {
                // A failed COMMIT (or an I/O error SQLite answers with a rollback) may or may not
                // have ended the transaction; never leave the writer inside one.
                if db.isInsideTransaction { try? db.cachedStatement(sql: "ROLLBACK").execute() }
                throw error
            }
        }
    }
}

/// Whether a transaction's commit waits for the disk.
enum CommitSync: Sendable {
    /// Synced before the commit returns (on a `.full` store): what is acknowledged to a peer.
    case immediate
    /// Written to the WAL without a sync; it becomes durable with the next synced commit (the
    /// WAL is written in order). For writes whose loss in a power cut only makes the queue do a
    /// step again that the peer recognises: a claim (the lease expires and the message is
    /// claimed anew) or a delivery's report (the message is sent again and the receiver, which
    /// deduplicates by message id, answers as the first time).
    case deferred
}
