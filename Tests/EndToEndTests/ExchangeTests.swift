import Foundation
import Testing
import TestSupport

/// The whole exchange with real processes: a bus and two gateways as separate `lienthong serve`
/// processes on loopback, talking over mutual TLS; units drive them through `/v1`.
@Suite("end to end: bus and two gateways as processes", .serialized)
struct ExchangeTests {
    static let attachment = Array((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31) })

    /// Sends `count` documents from A to B, `parallel` at a time; returns their documentIds.
    /// `midway` runs once, after half of them were acknowledged by A.
    func send(_ count: Int, from a: UnitClient, to b: UnitClient, parallel: Int = 8,
              midway: (@Sendable () async throws -> Void)? = nil) async throws -> [String] {
        var ids: [String] = []
        var next = 0
        while next < count {
            let batch = next..<min(count, next + parallel)
            let answers = try await withThrowingTaskGroup(of: UnitClient.Answer.self) { group in
                for number in batch {
                    group.addTask {
                        try await a.send(document(number: number, from: a.organId, to: [b.organId]),
                                         files: [("phu-luc-\(number).pdf", "application/pdf", Self.attachment)])
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            for answer in answers {
                try #require(answer.status == 202, "submission refused: \(answer.status) \(answer.text)")
                ids.append(try #require(answer.json["documentId"] as? String))
            }
            let before = next
            next = batch.upperBound
            if before < count / 2, next >= count / 2, let midway { try await midway() }
        }
        return ids
    }

    /// Waits (bounded: `seconds`) until B's inbox holds every one of `documentIds`; returns the inbox.
    func inboxHolding(_ documentIds: [String], at b: UnitClient, seconds: Int = 180,
                      network: ExchangeNetwork) async throws -> [[String: Any]] {
        var items: [[String: Any]] = []
        for _ in 0..<(seconds * 2) {
            items = try await b.inbox()
            let seen = Set(items.compactMap { $0["documentId"] as? String })
            if Set(documentIds).isSubset(of: seen) { return items }
            try await Task.sleep(for: .milliseconds(500))
        }
        Issue.record("B's inbox holds \(items.count) of \(documentIds.count) documents\n\(network.logs)")
        return items
    }

    func expectEachOnce(_ documentIds: [String], in items: [[String: Any]]) {
        let counts = Dictionary(grouping: items.compactMap { $0["documentId"] as? String }, by: { $0 }).mapValues(\.count)
        #expect(documentIds.allSatisfy { counts[$0] == 1 }, "duplicates or missing: \(counts.filter { $0.value != 1 })")
        #expect(items.count == documentIds.count, "the inbox holds \(items.count) items for \(documentIds.count) documents")
    }

    func statusCodes(of id: String, at a: UnitClient) async throws -> Set<String> {
        Set((try await a.call(.get, "/v1/documents/\(id)").json["statuses"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String })
    }

    /// Waits (bounded: `seconds`) until each of A's documents `ids` shows every one of `codes`;
    /// returns those that still do not.
    func documents(_ ids: [String], at a: UnitClient, lacking codes: Set<String>, seconds: Int = 120) async throws -> [String] {
        var missing = ids
        for _ in 0..<(seconds * 2) {
            var still: [String] = []
            for id in missing where !(try await statusCodes(of: id, at: a)).isSuperset(of: codes) { still.append(id) }
            missing = still
            if missing.isEmpty { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        return missing
    }

    /// B's unit acknowledges each item and reports 03 on it.
    func acknowledgeAndAccept(_ items: [[String: Any]], at b: UnitClient) async throws {
        for item in items {
            let id = try #require(item["id"] as? String)
            #expect(try await b.call(.post, "/v1/inbox/\(id)/ack").status < 300)
            let status = try await b.call(.post, "/v1/inbox/\(id)/status", contentType: "application/json",
                                          body: Array(#"{"code": "03", "description": "Đã tiếp nhận"}"#.utf8))
            #expect(status.status < 300, "\(status.text)")
        }
    }

    /// A's unit recalls its document `id`; B's copy (`inboxId`) must come back to B's list
    /// recalled, and B's 15 must reach A's timeline with B's 01.
    func recallAndAgree(_ id: String, inboxId: String, a: UnitClient, b: UnitClient, network: ExchangeNetwork) async throws {
        let recall = try await a.call(.post, "/v1/documents/\(id)/recall", contentType: "application/json",
                                      body: Array(#"{"reason": "Gửi nhầm"}"#.utf8))
        #expect(recall.status == 202, "\(recall.text)")
        var returned: [String: Any]?
        for _ in 0..<120 {
            returned = try await b.inbox().first { $0["id"] as? String == inboxId }
            if returned?["recalled"] as? Bool == true { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        #expect(returned?["recalled"] as? Bool == true, "the recalled document returns to B's list: \(returned ?? [:])\n\(network.logs)")
        let agreed = try await b.call(.post, "/v1/inbox/\(inboxId)/status", contentType: "application/json",
                                      body: Array(#"{"code": "15", "description": "Đồng ý thu hồi"}"#.utf8))
        #expect(agreed.status < 300, "\(agreed.text)")
        #expect(try await documents([id], at: a, lacking: ["01", "15"]).isEmpty, "A's document lacks B's 01 or 15\n\(network.logs)")
    }

    @Test("200 documents with attachments reach B once; B's 03 and the automatic 01 come back to A")
    func documentsAndStatusesTravel() async throws {
        let network = try await ExchangeNetwork.start()
        defer { network.stop() }
        let (a, b) = (UnitClient(network.ready.gateways[0]), UnitClient(network.ready.gateways[1]))

        let documentIds = try await send(200, from: a, to: b)
        let items = try await inboxHolding(documentIds, at: b, network: network)
        expectEachOnce(documentIds, in: items)

        let first = try #require(items.first)
        let id = try #require(first["id"] as? String)
        let attachment = try await b.call(.get, "/v1/inbox/\(id)/attachments/1")
        #expect(attachment.status == 200)
        #expect(attachment.body == Self.attachment, "the attachment arrives byte for byte")

        try await acknowledgeAndAccept(items, at: b)
        #expect(try await b.inbox().isEmpty, "acknowledged documents leave the inbox")

        // A's view: every document delivered, with 01 (automatic) and 03 (B's unit) from B.
        let sent = try await a.call(.get, "/v1/documents?limit=200").json["items"] as? [[String: Any]] ?? []
        let outboundIds = sent.compactMap { $0["id"] as? String }
        #expect(outboundIds.count == 200)
        let missing = try await documents(outboundIds, at: a, lacking: ["01", "03"])
        #expect(missing.isEmpty, "\(missing.count) documents lack status 01 or 03\n\(network.logs)")
    }

    @Test("both gateways polling the bus: documents arrive once, the 01 and 03 come back, a recall and its 15 travel")
    func pollingGateways() async throws {
        let network = try await ExchangeNetwork.start(polling: true)
        defer { network.stop() }
        let (a, b) = (UnitClient(network.ready.gateways[0]), UnitClient(network.ready.gateways[1]))

        let documentIds = try await send(20, from: a, to: b)
        let items = try await inboxHolding(documentIds, at: b, network: network)
        expectEachOnce(documentIds, in: items)
        try await acknowledgeAndAccept(items, at: b)

        let sent = try await a.call(.get, "/v1/documents?limit=20").json["items"] as? [[String: Any]] ?? []
        let outboundIds = sent.compactMap { $0["id"] as? String }
        #expect(outboundIds.count == 20)
        let missing = try await documents(outboundIds, at: a, lacking: ["01", "03"])
        #expect(missing.isEmpty, "\(missing.count) documents lack status 01 or 03\n\(network.logs)")

        let first = try #require(sent.first)
        let inboxId = try #require(items.first { $0["documentId"] as? String == first["documentId"] as? String }?["id"] as? String)
        try await recallAndAgree(try #require(first["id"] as? String), inboxId: inboxId, a: a, b: b, network: network)
        for gateway in ["gateway-a", "gateway-b"] {
            let log = network.log(of: gateway)
            #expect(log.contains("source=poll") && !log.contains("source=push"), "\(gateway) takes what comes to it by polling only")
        }
    }

    @Test("the bus killed with SIGKILL mid-run and restarted: every acknowledged document arrives once")
    func busCrash() async throws {
        let network = try await ExchangeNetwork.start()
        defer { network.stop() }
        let (a, b) = (UnitClient(network.ready.gateways[0]), UnitClient(network.ready.gateways[1]))
        let documentIds = try await send(60, from: a, to: b, midway: { try await network.crashAndRestartBus() })
        expectEachOnce(documentIds, in: try await inboxHolding(documentIds, at: b, network: network))
    }

    @Test("a gateway killed with SIGKILL while delivering and restarted: every acknowledged document arrives once")
    func gatewayCrash() async throws {
        let network = try await ExchangeNetwork.start()
        defer { network.stop() }
        let (a, b) = (UnitClient(network.ready.gateways[0]), UnitClient(network.ready.gateways[1]))
        let documentIds = try await send(60, from: a, to: b, midway: { try await network.crashAndRestartGateway(0) })
        try await network.crashAndRestartGateway(0)
        expectEachOnce(documentIds, in: try await inboxHolding(documentIds, at: b, network: network))
    }

    @Test("a recall travels: A's 13 reaches B, whose document returns recalled, and B's 15 comes back to A")
    func recallTravels() async throws {
        let network = try await ExchangeNetwork.start()
        defer { network.stop() }
        let (a, b) = (UnitClient(network.ready.gateways[0]), UnitClient(network.ready.gateways[1]))
        let sent = try await a.send(document(number: 1, from: a.organId, to: [b.organId]), files: [])
        try #require(sent.status == 202, "\(sent.text)")
        let (id, documentId) = (try #require(sent.json["id"] as? String), try #require(sent.json["documentId"] as? String))
        let item = try #require(try await inboxHolding([documentId], at: b, network: network).first)
        let inboxId = try #require(item["id"] as? String)
        #expect(try await b.call(.post, "/v1/inbox/\(inboxId)/ack").status < 300)

        try await recallAndAgree(id, inboxId: inboxId, a: a, b: b, network: network)
    }

    @Test("a document to an agency the bus does not know comes back to the sender refused, with the reason; sent to a known one too, it reaches that one")
    func unknownAgency() async throws {
        let network = try await ExchangeNetwork.start()
        defer { network.stop() }
        let a = UnitClient(network.ready.gateways[0])
        let answer = try await a.send(document(number: 1, from: a.organId, to: ["000.00.00.Z99"]), files: [])
        try #require(answer.status == 202, "\(answer.text)")
        let id = try #require(answer.json["id"] as? String)
        var detail: [String: Any] = [:]
        for _ in 0..<120 {
            detail = try await a.call(.get, "/v1/documents/\(id)").json
            if detail["state"] as? String == "dead" { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        #expect(detail["state"] as? String == "dead", "\(detail)\n\(network.logs)")
        let delivery = (detail["deliveries"] as? [[String: Any]])?.first ?? [:]
        let why = "\(delivery["detail"] ?? "")"
        #expect(why.contains("bus.recipient_unknown") && why.contains("000.00.00.Z99"), "the bus's reason reaches the sender: \(detail)")

        // To B and the unknown agency: one delivery each. B's arrives and answers 01; the other dies with the bus's reason.
        let b = UnitClient(network.ready.gateways[1])
        let mixed = try await a.send(document(number: 2, from: a.organId, to: [b.organId, "000.00.00.Z99"]), files: [])
        try #require(mixed.status == 202, "\(mixed.text)")
        let mixedId = try #require(mixed.json["id"] as? String)
        var view: [String: Any] = [:]
        func deliveryState(to organId: String) -> String? {
            (view["deliveries"] as? [[String: Any]])?.first { $0["to"] as? String == organId }?["state"] as? String
        }
        func hasStatus01() -> Bool {
            (view["statuses"] as? [[String: Any]] ?? []).contains { $0["code"] as? String == "01" && $0["from"] as? String == b.organId }
        }
        for _ in 0..<120 {
            view = try await a.call(.get, "/v1/documents/\(mixedId)").json
            if deliveryState(to: "000.00.00.Z99") == "dead" && hasStatus01() { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        #expect(deliveryState(to: b.organId) == "delivered" && hasStatus01(), "\(view)\n\(network.logs)")
        let unreachable = (view["deliveries"] as? [[String: Any]])?.first { $0["to"] as? String == "000.00.00.Z99" }
        #expect(unreachable?["state"] as? String == "dead")
        #expect((unreachable?["detail"] as? String)?.contains("bus.recipient_unknown") == true, "\(view)")
        #expect(view["state"] as? String == "dead", "the document shows its worst delivery: \(view)")
    }
}
