import Foundation
import Gateway
import Store
import Testing
import TestSupport

/// Envelopes damaged at random, the way a broken sender or a hostile one would send them, through
/// the whole inbound pipeline with its real store. Whatever arrives, the pipeline answers: stored
/// (the bytes kept as received) or refused with a stable reason code and kept for the operator,
/// never a crash, never an error of its own, never an inbox row for a refused envelope.
@Suite("Inbound pipeline: mutated envelopes", .serialized)
struct InboundMutationTests {
    /// The seeds are fixed, so a failure repeats; each case prints its seed and mutation.
    @Test("mutations of a signed document under policy require, and of an unsigned one under policy off",
          arguments: [(policy: "require", seed: UInt64(0x5EED_0001)), (policy: "off", seed: UInt64(0x5EED_0002))])
    func everyMutationIsStoredOrRefusedWithAReason(_ setting: (policy: String, seed: UInt64)) async throws {
        let node = try InboundNode(policy: setting.policy)
        defer { node.remove() }
        let pki = try InboundPKI.trusted.get()
        let signer = setting.policy == "require" ? try InboundPKI.signer(pki, InboundNode.sender) : nil
        let original = try node.envelope(attachments: [("to-trinh.pdf", Array("%PDF-1.4 tờ trình".utf8))], signer: signer)
        var random = SeededGenerator(seed: setting.seed)
        var stored = 0
        var refusedCount = 0
        var refusalIDs: Set<String> = []
        let deadline = ContinuousClock.now + .seconds(60)
        for round in 0..<300 where ContinuousClock.now < deadline {
            let (mutated, mutation) = EnvelopeMutation.apply(to: original, using: &random)
            let before = try await node.store.inboundMessages(after: nil, limit: 10_000, includeAcknowledged: true).count
            let outcome: InboundOutcome
            do {
                outcome = try await node.pipeline.process(mutated, source: .poll(busDocId: "bus-\(round)"))
            } catch {
                Issue.record("round \(round), \(mutation): the pipeline threw \(error)")
                continue
            }
            let after = try await node.store.inboundMessages(after: nil, limit: 10_000, includeAcknowledged: true)
            switch outcome {
            case .accepted(let ids):
                stored += 1
                #expect(after.count == before + ids.count, "round \(round), \(mutation)")
                for id in ids {
                    #expect(Array(try await node.store.inboundEnvelope(id)) == mutated, "round \(round), \(mutation): kept as received")
                }
            case .duplicate:
                #expect(after.count == before, "round \(round), \(mutation)")
            case .refused(let refusal):
                refusedCount += 1
                #expect(after.count == before, "round \(round), \(mutation): refused \(refusal.reasonCode) yet stored")
                #expect(refusal.reasonCode.wholeMatch(of: /[a-z0-9_]+\.[a-z0-9_]+/) != nil,
                        "round \(round), \(mutation): reason code \(refusal.reasonCode)")
                #expect(refusal.refusalID != nil, "round \(round), \(mutation): kept for the operator")
                refusalIDs.formUnion(refusal.refusalID.map { [$0] } ?? [])
            }
        }
        #expect(refusedCount > 0)
        if setting.policy == "off" { #expect(stored > 0, "some mutations keep the document readable and are stored") }
        // The same bytes refused for the same reason are one row seen several times.
        let kept = try await node.store.refusals(limit: 10_000)
        #expect(Set(kept.map(\.id)) == refusalIDs)
        #expect(kept.map(\.times).reduce(0, +) == refusedCount)
    }
}
