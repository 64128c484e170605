import Foundation
import GRDB
import Testing
@testable import Store

/// The bus keeps its agencies in memory. A change made through its own store is seen by the very
/// next lookup; one made by another process (the operator's CLI opening the same store) or by
/// plain SQL once the store's `agencyRecheckInterval` has passed (at the next lookup when it is zero).
@Suite("store: the agency registry cache")
struct AgencyRegistryCacheTests {
    let fingerprint = String(repeating: "ab", count: 32)

    /// A second store on the fixture's directory, as a daemon that shares it with the CLI would open it.
    private func daemon(on fixture: StoreFixture, recheckingAfter interval: Duration) throws -> SQLiteStore {
        try SQLiteStore(directory: fixture.directory.url, options: StoreOptions(agencyRecheckInterval: interval))
    }

    @Test("changes made through another store on the same directory show at the next lookup after the interval")
    func changesFromAnotherProcessAreSeen() async throws {
        let fixture = try StoreFixture()
        let daemon = try daemon(on: fixture, recheckingAfter: .zero)
        let cli = try SQLiteStore(directory: fixture.directory.url)
        try await cli.saveAgency(Agency(organId: "H41", name: "Bộ B", certificateSHA256: fingerprint.uppercased(), systemId: "sys-b"),
                                 actor: "op", replacing: false)
        #expect(try await daemon.agency(organId: "H41")?.name == "Bộ B")
        #expect(try await daemon.agency(certificateSHA256: fingerprint.uppercased())?.organId == "H41")
        #expect(try await daemon.agency(systemId: "sys-b")?.organId == "H41")
        #expect(try await daemon.agency(organId: "G22") == nil)

        try await cli.setAgencyState("H41", to: .suspended, actor: "op", reason: "test")
        #expect(try await daemon.agency(organId: "H41")?.state == .suspended)
        #expect(try await daemon.agency(systemId: "sys-b")?.state == .suspended)

        try await cli.saveAgency(Agency(organId: "H41", name: "Bộ B", systemId: "sys-b2", state: .active),
                                 actor: "op", replacing: true)
        #expect(try await daemon.agency(systemId: "sys-b") == nil, "an old credential no longer finds the agency")
        #expect(try await daemon.agency(certificateSHA256: fingerprint) == nil)
        #expect(try await daemon.agency(systemId: "sys-b2")?.state == .active)

        try await cli.removeAgency("H41", actor: "op", reason: nil)
        #expect(try await daemon.agency(organId: "H41") == nil)
    }

    @Test("a change written with plain SQL (no lienthong code) counts too")
    func plainSQLChangesAreSeen() async throws {
        let fixture = try StoreFixture()
        let daemon = try daemon(on: fixture, recheckingAfter: .zero)
        try await fixture.store.saveAgency(Agency(organId: "H41", name: "B"), actor: "op", replacing: false)
        #expect(try await daemon.agency(organId: "H41")?.state == .active)
        let other = try DatabaseQueue(path: fixture.directory.url.appendingPathComponent("queue.sqlite").path)
        try await other.write { db in try db.execute(sql: "UPDATE agencies SET state = 'suspended' WHERE organ_id = 'H41'") }
        #expect(try await daemon.agency(organId: "H41")?.state == .suspended)
    }

    @Test("a change made through the store itself is seen at once, however long the interval")
    func ownChangesAreSeenAtOnce() async throws {
        let fixture = try StoreFixture()
        let daemon = try daemon(on: fixture, recheckingAfter: .seconds(3600))
        #expect(try await daemon.agency(organId: "H41") == nil)
        try await daemon.saveAgency(Agency(organId: "H41", name: "Bộ B", systemId: "sys-b"), actor: "op", replacing: false)
        #expect(try await daemon.agency(organId: "H41")?.name == "Bộ B")
        try await daemon.setAgencyState("H41", to: .suspended, actor: "op", reason: "test")
        #expect(try await daemon.agency(systemId: "sys-b")?.state == .suspended)
        try await daemon.removeAgency("H41", actor: "op", reason: nil)
        #expect(try await daemon.agency(organId: "H41") == nil)
        try daemon.registerConfiguredAgencies([Agency(organId: "H41", name: "Bộ B mới")], actor: "config")
        #expect(try await daemon.agency(organId: "H41")?.name == "Bộ B mới")
    }

    /// Within the interval the registry is served from memory (what saves the bus a read per
    /// lookup); once it has passed, the next lookup reads the version and sees the change.
    @Test("another process's change is served from memory within the interval and seen after it")
    func anotherProcessesChangeWaitsForTheInterval() async throws {
        let fixture = try StoreFixture()
        let cli = fixture.store
        try await cli.saveAgency(Agency(organId: "H41", name: "Bộ B"), actor: "op", replacing: false)
        let patient = try daemon(on: fixture, recheckingAfter: .seconds(3600))
        let prompt = try daemon(on: fixture, recheckingAfter: .milliseconds(200))
        #expect(try await patient.agency(organId: "H41")?.state == .active)
        #expect(try await prompt.agency(organId: "H41")?.state == .active)

        try await cli.setAgencyState("H41", to: .suspended, actor: "op", reason: "test")
        #expect(try await patient.agency(organId: "H41")?.state == .active, "read from memory within the interval")
        try await Task.sleep(for: .milliseconds(250))
        #expect(try await prompt.agency(organId: "H41")?.state == .suspended, "the interval passed: the version was read again")
    }
}
