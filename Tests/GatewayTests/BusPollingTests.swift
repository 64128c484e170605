import Foundation
import Gateway
import Hummingbird
import HummingbirdTesting
import Logging
import Relay
import ServiceLifecycle
import Testing
import TestSupport

/// `bus.delivery = "poll"`: the assembly's poller worker against a real HTTP mailbox bus.
@Suite("Bus polling")
struct BusPollingTests {
    @Test("stored and duplicate messages are acknowledged done, refused ones fail, all through the pipeline")
    func pollOnce() async throws {
        let staging = try InboundNode()
        defer { staging.remove() }
        let signer = try InboundPKI.signer(try InboundPKI.trusted.get(), InboundNode.sender)
        let valid = try staging.envelope(number: "5", signer: signer)
        let tampered = Array(String(decoding: valid, as: UTF8.self).replacingOccurrences(of: "Công văn", with: "Tờ trình").utf8)
        let bus = MailboxBus([("bus-1", valid), ("bus-2", tampered), ("bus-3", valid)])
        let app = Application(router: bus.router())
        try await app.test(.live) { client in
            let node = try InboundNode(busURL: "http://127.0.0.1:\(client.port ?? 0)/vdxp")
            defer { node.remove() }
            let worker = try #require(node.services.workers.compactMap { $0 as? BusPollingWorker }.first,
                                      "poll is the default delivery, so the assembly adds the poller")
            let client = try #require(node.parts.busClient)
            let report = try await BusPoller(client: client, configuration: .init(messageTypes: [.edoc])).pollOnce(worker.handler)
            #expect(report.listed == 3)
            #expect(report.accepted == 2)
            #expect(report.refused == 1)
            #expect(await bus.acknowledgements == ["bus-1=done", "bus-2=fail", "bus-3=done"])
            #expect(try await node.store.inbox(forRecipients: ["000.00.00.G22"], after: nil, limit: 10).count == 1)
            #expect(try await node.store.refusals(limit: 10).map(\.source) == ["poll:bus-2"])
            #expect(try await node.queuedStatuses().compactMap { $0.status.statusCode?.text }.sorted() == ["01", "02"])
        }
    }

    @Test("the worker polls in the service group and stops at graceful shutdown")
    func workerRuns() async throws {
        let staging = try InboundNode()
        defer { staging.remove() }
        let signer = try InboundPKI.signer(try InboundPKI.trusted.get(), InboundNode.sender)
        let bus = MailboxBus([("bus-1", try staging.envelope(number: "6", signer: signer))])
        let app = Application(router: bus.router())
        try await app.test(.live) { client in
            let node = try InboundNode(busURL: "http://127.0.0.1:\(client.port ?? 0)/vdxp", busExtra: "poll_interval = \"1s\"")
            defer { node.remove() }
            let workers = node.services.workers.filter { $0 is BusPollingWorker }
            #expect(workers.count == 1)
            let group = ServiceGroup(configuration: .init(services: workers, logger: InboundNode.logger))
            let running = Task { try await group.run() }
            // The first round runs at start; wait for it, bounded (at most 10 s).
            for _ in 0..<200 where !(await bus.isEmpty) { try await Task.sleep(for: .milliseconds(50)) }
            await group.triggerGracefulShutdown()
            try await running.value
            #expect(await bus.acknowledgements == ["bus-1=done"])
            #expect(try await node.store.inbox(forRecipients: ["000.00.00.G22"], after: nil, limit: 10).count == 1)
        }
    }
}
