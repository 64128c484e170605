import GRDB
import Synchronization

/// The agency registry held in memory, keyed three ways. The bus looks agencies up three times
/// per message (the caller's certificate, each recipient, the push destination); the registry
/// changes by hand, rarely, and possibly from another process (the operator's `lienthong agency …`
/// writes the store directly). A trigger counts every change to `agencies` in
/// `agency_registry_version`.
///
/// A change made through this store empties the cache at once. Any other change is seen once
/// `recheckInterval` has passed since the version was last read: reading it at every lookup (a
/// read transaction, with its locks, per lookup) was 3 % of the bus's CPU at 300 documents/s, and
/// a suspension made from the CLI taking effect a tenth of a second later changes nothing for
/// the operator who typed it.
final class AgencyRegistryCache: Sendable {
    private struct Snapshot {
        var version: Int64
        var checkedAt: ContinuousClock.Instant
        var byOrganId: [String: Agency] = [:]
        var bySystemId: [String: Agency] = [:]
        var byCertificate: [String: Agency] = [:]

        init(version: Int64, checkedAt: ContinuousClock.Instant, agencies: [Agency]) {
            self.version = version
            self.checkedAt = checkedAt
            for agency in agencies {
                byOrganId[agency.organId] = agency
                if let systemId = agency.systemId { bySystemId[systemId] = agency }
                if let fingerprint = agency.certificateSHA256 { byCertificate[fingerprint] = agency }
            }
        }
    }

    enum Key {
        case organId(String), systemId(String), certificateSHA256(String)
    }

    let recheckInterval: Duration
    private let snapshot = Mutex<Snapshot?>(nil)

    init(recheckInterval: Duration) {
        self.recheckInterval = recheckInterval
    }

    /// The agency registered under `key`: from memory while the version was read less than
    /// `recheckInterval` ago, else as of the registry's current version.
    func agency(_ key: Key, lookups: LookupConnection) throws -> Agency? {
        let current = try snapshot.withLock { cached -> Snapshot in
            let now = ContinuousClock.now
            if let cached, now - cached.checkedAt < recheckInterval { return cached }
            let version = try lookups.readOneStatement { db in try Self.version(db) }
            if let unchanged = cached, unchanged.version == version {
                cached?.checkedAt = now
                return unchanged
            }
            // Read the version again with the rows: both from one snapshot of the database.
            let fresh = try lookups.readSnapshot { db in
                Snapshot(version: try Self.version(db), checkedAt: now,
                         agencies: try db.cachedStatement(sql: "SELECT \(Agency.columns) FROM agencies").decodeAll(Agency.init(row:)))
            }
            cached = fresh
            return fresh
        }
        switch key {
        case .organId(let id): return current.byOrganId[id]
        case .systemId(let id): return current.bySystemId[id]
        case .certificateSHA256(let fingerprint): return current.byCertificate[fingerprint]
        }
    }

    /// Forgets the registry, after a change committed through this store: the next lookup reads it.
    func invalidate() {
        snapshot.withLock { $0 = nil }
    }

    private static func version(_ db: Database) throws -> Int64 {
        try db.cachedStatement(sql: "SELECT version FROM agency_registry_version WHERE id = 1").decodeFirst { row -> Int64 in row[0] } ?? 0
    }

    /// Schema v9: the version row and the triggers that count every change to `agencies`.
    static func addVersion(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE agency_registry_version (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                version INTEGER NOT NULL
            );
            INSERT INTO agency_registry_version (id, version) VALUES (1, 0);
            CREATE TRIGGER agencies_changed_on_insert AFTER INSERT ON agencies BEGIN
                UPDATE agency_registry_version SET version = version + 1 WHERE id = 1;
            END;
            CREATE TRIGGER agencies_changed_on_update AFTER UPDATE ON agencies BEGIN
                UPDATE agency_registry_version SET version = version + 1 WHERE id = 1;
            END;
            CREATE TRIGGER agencies_changed_on_delete AFTER DELETE ON agencies BEGIN
                UPDATE agency_registry_version SET version = version + 1 WHERE id = 1;
            END;
            """)
    }
}
