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

/// One random damage to an envelope, named for the failure message.
enum EnvelopeMutation {
    /// What a damaged envelope may contain that a well-formed one does not.
    static let snippets: [[UInt8]] = [
        "<", ">", "&", "&amp;", "&#0;", "&#xD800;", "&undefined;", "]]>", "<![CDATA[", "<!--", "-->",
        "<!DOCTYPE edXML [<!ENTITY e \"x\">]>", "<?xml version=\"1.0\"?>", "xmlns:edXML=\"urn:other\"",
        "<edXML:To><edXML:OrganId></edXML:OrganId></edXML:To>", "<edXML:OrganId>000.00.00.G22</edXML:OrganId>",
        "<edXML:Signature/>", "<edXML:ResponseFor/>", String(repeating: "9", count: 400), "\u{FEFF}", "đã nhận",
    ].map { Array($0.utf8) } + [[0x00], [0xFF, 0xFE], [0xC3], [0xE2, 0x80], [0xF4, 0x90, 0x80, 0x80]]

    static func apply(to bytes: [UInt8], using random: inout SeededGenerator) -> ([UInt8], String) {
        var result = bytes
        let at = Int.random(in: 0..<result.count, using: &random)
        switch Int.random(in: 0..<7, using: &random) {
        case 0:
            let count = Int.random(in: 1...4, using: &random)
            for _ in 0..<count {
                let index = Int.random(in: 0..<result.count, using: &random)
                result[index] ^= UInt8.random(in: 1...255, using: &random)
            }
            return (result, "\(count) bytes flipped from \(at)")
        case 1:
            let length = min(Int.random(in: 1...64, using: &random), result.count - at)
            result.removeSubrange(at..<(at + length))
            return (result, "\(length) bytes removed at \(at)")
        case 2:
            let length = min(Int.random(in: 1...256, using: &random), result.count - at)
            result.insert(contentsOf: result[at..<(at + length)], at: at)
            return (result, "\(length) bytes repeated at \(at)")
        case 3:
            let snippet = snippets[Int.random(in: 0..<snippets.count, using: &random)]
            result.insert(contentsOf: snippet, at: at)
            return (result, "\(String(decoding: snippet.prefix(40), as: UTF8.self).debugDescription) inserted at \(at)")
        case 4:
            result.removeSubrange(at...)
            return (result, "cut at \(at)")
        case 5:
            // The text of one element replaced: what a sender's own bug would do.
            guard let start = result[at...].firstIndex(of: UInt8(ascii: ">")),
                  let end = result[(start + 1)...].firstIndex(of: UInt8(ascii: "<")) else { return (result, "unchanged") }
            let junk = (0..<Int.random(in: 0...40, using: &random)).map { _ in UInt8.random(in: 0x20...0x7E, using: &random) }
                .filter { $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: "&") }
            result.replaceSubrange((start + 1)..<end, with: junk)
            return (result, "text at \(start + 1) replaced by \(String(decoding: junk, as: UTF8.self).debugDescription)")
        default:
            // An element's start tag renamed: the tree keeps its shape, a field goes missing.
            guard let open = result[at...].firstIndex(of: UInt8(ascii: "<")), open + 2 < result.count,
                  result[open + 1] != UInt8(ascii: "/"), result[open + 1] != UInt8(ascii: "?"), result[open + 1] != UInt8(ascii: "!")
            else { return (result, "unchanged") }
            result.insert(contentsOf: Array("x".utf8), at: open + 1)
            return (result, "element at \(open) renamed")
        }
    }
}
