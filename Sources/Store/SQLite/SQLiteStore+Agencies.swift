import Foundation
import GRDB

/// The bus role's agency registry. Every change is one transaction that also writes the
/// operator-action log (`agency.add`, `agency.update`, `agency.suspend`, `agency.activate`,
/// `agency.remove`), so who changed a route and when is never lost.
extension SQLiteStore {
    /// Adds the agency, or with `replacing` also updates an existing one (configuration loading).
    /// A certificate fingerprint or systemid already registered to another agency is refused.
    @discardableResult
    public func saveAgency(_ agency: Agency, actor: String, replacing: Bool, reason: String? = nil) async throws -> AgencyChange {
        defer { agencyRegistry.invalidate() }   // after the commit: the next lookup reads the change
        let now = nowMillis()
        return try await pool.write { db in
            try Self.save(agency, actor: actor, replacing: replacing, reason: reason, at: now, db: db)
        }
    }

    /// The agencies of the configuration, added or updated in one transaction before the bus
    /// starts listening (synchronous: it runs while the daemon is assembled). Unchanged ones
    /// leave no trace in the operator log.
    @discardableResult
    public func registerConfiguredAgencies(_ agencies: [Agency], actor: String) throws -> [AgencyChange] {
        defer { agencyRegistry.invalidate() }   // after the commit: the next lookup reads the change
        let now = nowMillis()
        return try pool.write { db in
            try agencies.map { try Self.save($0, actor: actor, replacing: true, reason: "configuration", at: now, db: db) }
        }
    }

    private static func save(_ agency: Agency, actor: String, replacing: Bool, reason: String?, at now: Int64,
                             db: Database) throws -> AgencyChange {
        guard !agency.organId.isEmpty, !agency.name.isEmpty else {
            throw StoreError("agency.invalid", "an agency needs an OrganId and a name")
        }
        let existing = try db.cachedStatement(sql: "SELECT \(Agency.columns) FROM agencies WHERE organ_id = ?")
            .decodeFirst(arguments: [agency.organId], Agency.init(row:))
        if existing != nil && !replacing {
            throw StoreError("agency.exists", "an agency with the OrganId \(agency.organId) is already registered")
        }
        try refuseSharedCredentials(agency, db: db)
        if let existing, existing.sameSettings(as: agency) { return .unchanged }
        try db.execute(sql: """
            INSERT INTO agencies (organ_id, name, parent, certificate_sha256, system_id, hmac_secret, push_endpoint,
                state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (organ_id) DO UPDATE SET name = excluded.name, parent = excluded.parent,
                certificate_sha256 = excluded.certificate_sha256, system_id = excluded.system_id,
                hmac_secret = excluded.hmac_secret, push_endpoint = excluded.push_endpoint, state = excluded.state,
                updated_at = excluded.updated_at
            """, arguments: [agency.organId, agency.name, agency.parent, agency.certificateSHA256, agency.systemId,
                             agency.hmacSecret, agency.pushEndpoint, agency.state.rawValue, now, now])
        let change: AgencyChange = existing == nil ? .added : .updated
        try log(db, at: now, actor: actor, action: change == .added ? "agency.add" : "agency.update", messageID: nil,
                reason: reason, result: "\(change.rawValue) \(agency.organId) (\(agency.summary))")
        return change
    }

    public func agencies() async throws -> [Agency] {
        try await pool.read { db in
            try db.cachedStatement(sql: "SELECT \(Agency.columns) FROM agencies ORDER BY organ_id").decodeAll(Agency.init(row:))
        }
    }

    public func agency(organId: String) async throws -> Agency? {
        try agencyRegistry.agency(.organId(organId), lookups: lookups)
    }

    public func agency(systemId: String) async throws -> Agency? {
        try agencyRegistry.agency(.systemId(systemId), lookups: lookups)
    }

    public func agency(certificateSHA256: String) async throws -> Agency? {
        try agencyRegistry.agency(.certificateSHA256(certificateSHA256.lowercased()), lookups: lookups)
    }

    /// Suspends or reactivates an agency: a suspended agency can neither call the bus nor be sent to.
    public func setAgencyState(_ organId: String, to state: Agency.State, actor: String, reason: String?) async throws {
        defer { agencyRegistry.invalidate() }   // after the commit: the next lookup reads the change
        let now = nowMillis()
        try await pool.write { db in
            try db.execute(sql: "UPDATE agencies SET state = ?, updated_at = ? WHERE organ_id = ?",
                           arguments: [state.rawValue, now, organId])
            guard db.changesCount == 1 else { throw Self.unknownAgency(organId) }
            try Self.log(db, at: now, actor: actor, action: state == .suspended ? "agency.suspend" : "agency.activate",
                         messageID: nil, reason: reason, result: "\(organId) \(state.rawValue)")
        }
    }

    public func removeAgency(_ organId: String, actor: String, reason: String?) async throws {
        defer { agencyRegistry.invalidate() }   // after the commit: the next lookup reads the change
        let now = nowMillis()
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM agencies WHERE organ_id = ?", arguments: [organId])
            guard db.changesCount == 1 else { throw Self.unknownAgency(organId) }
            try Self.log(db, at: now, actor: actor, action: "agency.remove", messageID: nil, reason: reason,
                         result: "removed \(organId)")
        }
    }

    /// The operator-action log entries about agencies, newest last.
    public func agencyActions() async throws -> [OperatorAction] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM operator_actions WHERE action LIKE 'agency.%' ORDER BY id").map {
                OperatorAction(at: Date(storeMillis: $0["at"]), actor: $0["actor"], action: $0["action"],
                               messageID: $0["message_id"], reason: $0["reason"], result: $0["result"])
            }
        }
    }

    private static func refuseSharedCredentials(_ agency: Agency, db: Database) throws {
        if let fingerprint = agency.certificateSHA256,
           let other = try String.fetchOne(db, sql: "SELECT organ_id FROM agencies WHERE certificate_sha256 = ? AND organ_id <> ?",
                                           arguments: [fingerprint, agency.organId]) {
            throw StoreError("agency.credential_in_use", "the certificate \(fingerprint) is already registered for \(other)")
        }
        if let systemId = agency.systemId,
           let other = try String.fetchOne(db, sql: "SELECT organ_id FROM agencies WHERE system_id = ? AND organ_id <> ?",
                                           arguments: [systemId, agency.organId]) {
            throw StoreError("agency.credential_in_use", "the systemid \(systemId) is already registered for \(other)")
        }
    }

    static func unknownAgency(_ organId: String) -> StoreError {
        StoreError("agency.not_found", "no agency with the OrganId \(organId) is registered")
    }
}

extension Agency {
    func sameSettings(as other: Agency) -> Bool {
        organId == other.organId && name == other.name && parent == other.parent
            && certificateSHA256 == other.certificateSHA256 && systemId == other.systemId
            && hmacSecret == other.hmacSecret && pushEndpoint == other.pushEndpoint && state == other.state
    }

    /// One line for the operator log; never the secret.
    var summary: String {
        var parts = ["\(name)", deliveryMode + (pushEndpoint.map { " \($0)" } ?? "")]
        if let certificateSHA256 { parts.append("certificate \(certificateSHA256.prefix(16))…") }
        if let systemId { parts.append("systemid \(systemId)") }
        parts.append(state.rawValue)
        return parts.joined(separator: ", ")
    }
}
