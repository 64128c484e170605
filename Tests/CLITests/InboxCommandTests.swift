import Foundation
import Store
import Testing
import TestSupport

/// `lienthong inbox …` run as a separate process against a store this test fills through the
/// Store module, as the inbound pipeline would.
@Suite struct InboxCommandTests {
    func inbox(_ arguments: [String], store: String) async throws -> CommandResult {
        try await runCommand(Paths.binary, ["inbox"] + arguments + ["--store", store])
    }

    @Test func listsShowsAndPrintsKeptDocumentsAndRefusals() async throws {
        let directory = try TemporaryDirectory(prefix: "lienthong-cli-inbox")
        defer { directory.remove() }
        let store = try SQLiteStore(directory: directory.url, options: StoreOptions(durability: .normal))
        let envelope = Data("<edXML>công văn</edXML>".utf8)
        let waiting = try await store.receive(InboundSubmission(messageKey: "k1", documentID: "000.00.00.H41,2026/11/20,12/UBND-VP",
                                                                from: "000.00.00.H41", to: "000.00.00.G22", subject: "Công văn thử",
                                                                envelope: envelope, verdict: "valid")).id
        let taken = try await store.receive(InboundSubmission(messageKey: "k2", documentID: "D2", from: "000.00.00.H41",
                                                              to: "000.00.00.G22", envelope: Data("<edXML/>".utf8), verdict: "unsigned")).id
        _ = try await store.acknowledgeInbound(taken, forRecipients: ["000.00.00.G22"])
        let refused = try await store.recordRefusal(RefusalSubmission(
            envelope: Data("<edXML>sửa</edXML>".utf8), reasonCode: "signature.digest_mismatch", reason: "the content changed after signing",
            sender: "000.00.00.H41", documentID: "D3", recipients: ["000.00.00.G22"], source: "push"))

        let list = try await inbox(["ls"], store: directory.url.path)
        #expect(list.status == 0)
        #expect(list.stdout.contains(waiting))
        #expect(list.stdout.contains("valid"))
        #expect(!list.stdout.contains(taken), "acknowledged documents only with --all")
        #expect(try await inbox(["ls", "--all"], store: directory.url.path).stdout.contains(taken))

        let refusals = try await inbox(["refused"], store: directory.url.path)
        #expect(refusals.status == 0)
        #expect(refusals.stdout.contains(refused.id))
        #expect(refusals.stdout.contains("signature.digest_mismatch"))

        let show = try await inbox(["show", refused.id], store: directory.url.path)
        #expect(show.status == 0)
        #expect(show.stdout.contains("signature.digest_mismatch: the content changed after signing"))
        #expect(try await inbox(["show", refused.id, "--edxml"], store: directory.url.path).stdout == "<edXML>sửa</edXML>")
        let document = try await inbox(["show", waiting, "--json"], store: directory.url.path)
        let decoded = try JSONSerialization.jsonObject(with: Data(document.stdout.utf8)) as? [String: Any]
        #expect(decoded?["verdict"] as? String == "valid")
        #expect(try await inbox(["show", waiting, "--edxml"], store: directory.url.path).stdout == "<edXML>công văn</edXML>")

        let missing = try await inbox(["show", "NOPE"], store: directory.url.path)
        #expect(missing.status == 65)
        #expect(missing.stderr.contains("inbox.not_found"))
    }
}
