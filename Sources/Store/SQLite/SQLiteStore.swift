import Foundation
import SQLiteWAL
import GRDB

/// How hard a commit is pushed to the disk before it is acknowledged.
public enum Durability: String, Sendable, Codable {
    /// Survives a power loss: the WAL is synced at each (group) commit and blobs are fsynced.
    case full
    /// Survives the process being killed, not necessarily a power loss (no fsync at commit).
    case normal
}

public struct StoreOptions: Sendable {
    public var durability: Durability
    public var policy: QueuePolicy
    public var clock: any StoreClock
    public var jitter: any JitterSource
    /// Blob files younger than this are never collected: they may belong to an enqueue whose row
    /// has not committed yet.
    public var blobGrace: Duration
    /// Envelopes up to this size live in the database, committed with their row in one sync;
    /// larger ones are files. 0 makes every blob a file.
    public var inlineBlobLimit: Int
    /// Memory for envelopes enqueued and not yet read (their delivery's read is then free);
    /// 0 turns it off. Only envelopes up to `inlineBlobLimit` are kept.
    public var unreadEnvelopeBudget: Int
    /// How long the bus trusts its agency registry in memory before it reads the registry's
    /// version again. A change made through this store is seen at once; one made by another
    /// process (the operator's CLI) or plain SQL within this interval (see `AgencyRegistryCache`).
    public var agencyRecheckInterval: Duration

    public init(durability: Durability = .full, policy: QueuePolicy = QueuePolicy(),
                clock: any StoreClock = SystemClock(), jitter: any JitterSource = SystemJitter(),
                blobGrace: Duration = .seconds(900), inlineBlobLimit: Int = 256 << 10,
                unreadEnvelopeBudget: Int = 16 << 20, agencyRecheckInterval: Duration = .milliseconds(100)) {
        self.durability = durability
        self.policy = policy
        self.clock = clock
        self.jitter = jitter
        self.blobGrace = blobGrace
        self.inlineBlobLimit = inlineBlobLimit
        self.unreadEnvelopeBudget = unreadEnvelopeBudget
        self.agencyRecheckInterval = agencyRecheckInterval
    }
}

/// The embedded store: one SQLite database in WAL mode (`queue.sqlite`) and a blob directory
/// (`blobs/`) under one directory. Several processes may open it at once (the daemon and the
/// operator's CLI); SQLite's locks and the leases keep them from stepping on each other.
public final class SQLiteStore: MessageStore {
    public let directory: URL
    let pool: DatabasePool
    /// Point lookups by key on the calling thread (see `LookupConnection`).
    let lookups: LookupConnection
    /// Envelopes just enqueued, for their delivery's read (see `UnreadEnvelopes`).
    let unreadEnvelopes: UnreadEnvelopes
    /// The bus's agencies in memory, checked against the registry's version (see `AgencyRegistryCache`).
    let agencyRegistry: AgencyRegistryCache
    let blobs: BlobStore
    let options: StoreOptions
    /// The hot paths' writes (submissions, arrivals, claims, reports, seen signatures), from
    /// concurrent callers, in shared transactions (see `write`).
    let writes: GroupCommit<StoreWrite, any Sendable>

    var clock: any StoreClock { options.clock }
    var policy: QueuePolicy { options.policy }

    /// Opens (creating if needed) the store in `directory` and brings its schema up to date.
    public init(directory: URL, options: StoreOptions = StoreOptions()) throws {
        self.directory = directory
        self.options = options
        _ = WALWriteCombining.installed
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw StoreError("store.unavailable", "cannot create the store directory \(directory.path): \(error.localizedDescription)")
        }
        blobs = try BlobStore(root: directory.appendingPathComponent("blobs"), syncs: options.durability == .full)
        pool = try Self.openPool(at: directory.appendingPathComponent("queue.sqlite"), durability: options.durability)
        do {
            try SQLiteSchema.migrator.migrate(pool)
        } catch {
            throw StoreError("store.migration_failed", "the store's schema could not be brought up to date: \(error)")
        }
        do {
            lookups = try LookupConnection(path: directory.appendingPathComponent("queue.sqlite").path)
        } catch {
            throw StoreError("store.unavailable", "cannot open a lookup connection to the store: \(error)")
        }
        unreadEnvelopes = UnreadEnvelopes(byteBudget: options.unreadEnvelopeBudget)
        agencyRegistry = AgencyRegistryCache(recheckInterval: options.agencyRecheckInterval)
        let pool = self.pool
        let unsynced = Self.deferredSync(options.durability)
        writes = GroupCommit { batch in await SQLiteStore.commitWrites(batch, pool: pool, unsynced: unsynced) }
    }

    static func openPool(at path: URL, durability: Durability) throws -> DatabasePool {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        // Savepoint and statement journals in memory: on disk each group commit's savepoints
        // created, wrote and deleted a file in /var/tmp. They only serve a rollback within the
        // open transaction; the WAL is what survives a crash.
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA temp_store = MEMORY") }
        do {
            let pool = try DatabasePool(path: path.path, configuration: configuration)
            // Set after opening: GRDB puts the writer in synchronous=NORMAL when it enables WAL.
            // FULL syncs the log at every commit, so an acknowledged commit survives a power loss.
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = \(durability == .full ? "FULL" : "NORMAL")")
            }
            return pool
        } catch {
            throw StoreError("store.unavailable", "cannot open the store database \(path.path): \(error)")
        }
    }

    /// Whether a store exists in `directory` (for commands that must not create one).
    public static func exists(at directory: URL) -> Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent("queue.sqlite").path)
    }

    /// The schema versions applied, oldest first.
    public func appliedMigrations() async throws -> [String] {
        let applied = try await pool.read { db in try SQLiteSchema.migrator.appliedIdentifiers(db) }
        // In the order they were registered (a sort by name puts v10 before v2), then any this
        // build does not know, from a newer one.
        let known = SQLiteSchema.migrator.migrations
        return known.filter(applied.contains) + applied.subtracting(known).sorted()
    }

    func nowMillis() -> Int64 { clock.now().storeMillis }

    /// Claims and delivery reports commit without a sync of their own on a `.full` store (a
    /// `.normal` store never syncs at commit, and a deferred commit would put it back to FULL).
    static func deferredSync(_ durability: Durability) -> CommitSync {
        durability == .full ? .deferred : .immediate
    }
}
