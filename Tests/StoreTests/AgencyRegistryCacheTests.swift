import Foundation
import GRDB
import Testing
@testable import Store

/// The bus keeps its agencies in memory; a change made by another process (the operator's CLI
/// opening the same store) or by plain SQL must be seen by the very next lookup.
@Suite("store: the agency registry cache")
struct AgencyRegistryCacheTests {
    let fingerprint = String(repeating: "ab", count: 32)

    @Test("changes made through another store on the same directory show at the next lookup")
    func changesFromAnotherProcessAreSeen() async throws {
        let fixture = try StoreFixture()
        let daemon = fixture.store
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
        try await fixture.store.saveAgency(Agency(organId: "H41", name: "B"), actor: "op", replacing: false)
        #expect(try await fixture.store.agency(organId: "H41")?.state == .active)
        let other = try DatabaseQueue(path: fixture.directory.url.appendingPathComponent("queue.sqlite").path)
        try await other.write { db in try db.execute(sql: "UPDATE agencies SET state = 'suspended' WHERE organ_id = 'H41'") }
        #expect(try await fixture.store.agency(organId: "H41")?.state == .suspended)
    }
}
