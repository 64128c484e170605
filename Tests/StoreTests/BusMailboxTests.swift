import Foundation
import Store
import Testing
import TestSupport

/// The bus role's registry and mailbox in the store.
@Suite("store: bus registry and mailbox")
struct BusMailboxTests {
    func openStore(_ directory: TemporaryDirectory) throws -> SQLiteStore {
        try SQLiteStore(directory: directory.url, options: StoreOptions(blobGrace: .zero))
    }

    @Test("a deposit is listed until acknowledged, twice deposited is once listed, purge takes acknowledged entries and their blobs")
    func mailboxLifecycle() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try openStore(directory)
        let receipt = try await store.enqueue(OutboundSubmission(documentID: "doc-1", from: "A", to: ["B", "C"], kind: "edoc",
                                                                 envelope: Data("<edXML>one</edXML>".utf8)))
        let forB = try #require(receipt.messages.first { $0.destination == "B" }).messageID
        try await store.depositInMailbox(messageID: forB)
        try await store.depositInMailbox(messageID: forB)
        #expect(try await store.mailbox(of: "B", kind: nil, limit: 10).map(\.docId) == [forB])
        #expect(try await store.mailbox(of: "B", kind: "status", limit: 10).isEmpty)
        #expect(try await store.mailbox(of: "C", kind: nil, limit: 10).isEmpty, "only a deposit puts it in a mailbox")
        #expect(try await store.mailboxEntry(forB, of: "C") == nil, "an entry is seen only by its recipient")
        #expect(String(decoding: try await store.mailboxEnvelope(forB, of: "B"), as: UTF8.self) == "<edXML>one</edXML>")

        try await store.updateMailbox(forB, of: "B", to: .processing)
        #expect(try await store.mailbox(of: "B", kind: nil, limit: 10).first?.state == .processing)
        try await store.updateMailbox(forB, of: "B", to: .done)
        try await store.updateMailbox(forB, of: "B", to: .processing)
        #expect(try await store.mailboxEntry(forB, of: "B")?.state == .done, "done is final")
        #expect(try await store.mailbox(of: "B", kind: nil, limit: 10).isEmpty)
        await #expect(throws: StoreError.self) { try await store.updateMailbox("nope", of: "B", to: .done) }

        let sent = try await store.sentDocuments(of: "A", limit: 10)
        #expect(Set(sent.map(\.recipient)) == ["B", "C"])
        #expect(sent.first { $0.recipient == "B" }?.mailboxState == .done)
        #expect(sent.first { $0.recipient == "C" }?.mailboxState == nil)

        // The outbound rows stay (not delivered), so the blob stays; the acknowledged entry goes.
        _ = try await store.purge(deliveredBefore: Date().addingTimeInterval(60), actor: "test")
        #expect(try await store.mailboxEntry(forB, of: "B") == nil)
    }

    @Test("the registry refuses a second agency with the same credential and logs every change")
    func registry() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try openStore(directory)
        try await store.saveAgency(Agency(organId: "A", name: "A", systemId: "sys-a", hmacSecret: "hmac-secret-value"), actor: "op", replacing: false)
        let clash = await #expect(throws: StoreError.self) {
            try await store.saveAgency(Agency(organId: "B", name: "B", systemId: "sys-a", hmacSecret: "t"), actor: "op", replacing: false)
        }
        #expect(clash?.reasonCode == "agency.credential_in_use")
        #expect(try await store.saveAgency(Agency(organId: "A", name: "A", systemId: "sys-a", hmacSecret: "hmac-secret-value"),
                                           actor: "config", replacing: true) == .unchanged)
        #expect(try await store.saveAgency(Agency(organId: "A", name: "A2", systemId: "sys-a", hmacSecret: "hmac-secret-value"),
                                           actor: "config", replacing: true) == .updated)
        try await store.setAgencyState("A", to: .suspended, actor: "op", reason: "why")
        #expect(try await store.agency(systemId: "sys-a")?.state == .suspended)
        try await store.removeAgency("A", actor: "op", reason: nil)
        #expect(try await store.agencies().isEmpty)
        #expect(try await store.agencyActions().map(\.action) == ["agency.add", "agency.update", "agency.suspend", "agency.remove"])
        #expect(try await store.agencyActions().allSatisfy { !$0.result.contains("hmac-secret-value") },
                "the secret is not in the log")
    }
}
