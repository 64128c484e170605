import Foundation
import Relay
import Testing

/// A bus that holds messages for us until they are acknowledged, like the VDXP bus.
actor MailboxBus {
    private var waiting: [(docId: String, content: [UInt8])]
    private(set) var acknowledgements: [(docId: String, status: String)] = []

    init(_ messages: [(String, [UInt8])]) { waiting = messages.map { (docId: $0.0, content: $0.1) } }

    func reply(to request: RecordedRequest) -> BusReply {
        switch request.call {
        case "getReceivedEdocList":
            let items = waiting.map { #"{"docId":"\#($0.docId)","messageType":"edoc","from":"000.00.00.H41","to":["000.00.00.G22"]}"# }
            return .json(#"{"status":"OK","data":[\#(items.joined(separator: ","))]}"#)
        case "getEdoc":
            guard let message = waiting.first(where: { $0.docId == request.header("docId") }) else {
                return .json(#"{"status":"FAIL","ErrorCode":"-2","ErrorDesc":"not found"}"#)
            }
            return .json(#"{"status":"OK","data":"\#(Data(message.content).base64EncodedString())"}"#)
        case "updateStatus":
            let docId = request.header("docId") ?? "", status = request.header("status") ?? ""
            acknowledgements.append((docId, status))
            if status == "done" || status == "fail" { waiting.removeAll { $0.docId == docId } }
            return .json(#"{"status":"OK"}"#)
        default:
            return .json("{}", status: 404)
        }
    }
}

actor Inbox {
    private(set) var received: [VDXPFetchedEdoc] = []
    func add(_ edoc: VDXPFetchedEdoc) { received.append(edoc) }
}

@Suite struct BusPollerTests {
    private func poller(_ pki: TestPKI, _ bus: TestBus, maxPerRound: Int = 50, interval: Duration = .seconds(30)) throws -> BusPoller {
        BusPoller(client: VDXPClient(transport: try makeTransport(pki), configuration: VDXPConfiguration(baseURL: bus.baseURL)),
                  configuration: .init(messageTypes: [.edoc], maxPerRound: maxPerRound, interval: interval))
    }

    @Test func aRoundFetchesHandsOverAndAcknowledges() async throws {
        let pki = try sharedPKI()
        let mailbox = MailboxBus([("d-1", Array("one".utf8)), ("d-2", Array("refuse me".utf8)), ("d-3", Array("three".utf8))])
        let inbox = Inbox()
        try await withTestBus(pki: pki, behaviour: { await mailbox.reply(to: $0) }) { bus in
            let poller = try poller(pki, bus)
            let handler: BusPoller.Handler = { edoc in
                await inbox.add(edoc)
                return edoc.content == Array("refuse me".utf8) ? .refused : .accepted
            }
            let report = try await poller.pollOnce(handler)
            #expect(report.listed == 3)
            #expect(report.accepted == 2)
            #expect(report.refused == 1)
            #expect(report.failed == 0)
            #expect(await inbox.received.map(\.summary.docId) == ["d-1", "d-2", "d-3"])
            #expect(await inbox.received.first?.content == Array("one".utf8))
            #expect(await mailbox.acknowledgements.map { "\($0.docId)=\($0.status)" } == ["d-1=done", "d-2=fail", "d-3=done"])

            let second = try await poller.pollOnce(handler)
            #expect(second.listed == 0, "acknowledged messages are not listed again")
        }
    }

    @Test func deferredMessagesStayOnTheBusAndRoundsAreBounded() async throws {
        let pki = try sharedPKI()
        let mailbox = MailboxBus((1...5).map { ("d-\($0)", Array("doc \($0)".utf8)) })
        try await withTestBus(pki: pki, behaviour: { await mailbox.reply(to: $0) }) { bus in
            let poller = try poller(pki, bus, maxPerRound: 2)
            let report = try await poller.pollOnce { _ in .deferred }
            #expect(report.listed == 2)
            #expect(report.deferred == 2)
            #expect(await mailbox.acknowledgements.isEmpty)
            let next = try await poller.pollOnce { _ in .accepted }
            #expect(next.accepted == 2)
            #expect(await mailbox.acknowledgements.map(\.docId) == ["d-1", "d-2"])
        }
    }

    @Test func runLoopsUntilCancelled() async throws {
        let pki = try sharedPKI()
        let mailbox = MailboxBus([("d-1", Array("a".utf8)), ("d-2", Array("b".utf8)), ("d-3", Array("c".utf8))])
        try await withTestBus(pki: pki, behaviour: { await mailbox.reply(to: $0) }) { bus in
            // One message per round: the three arrive over three rounds of the loop.
            let poller = try poller(pki, bus, maxPerRound: 1, interval: .milliseconds(20))
            let task = Task { await poller.run { _ in .accepted } }
            for _ in 0..<500 where await mailbox.acknowledgements.count < 3 { try await Task.sleep(for: .milliseconds(10)) }
            task.cancel()
            await task.value
            #expect(await mailbox.acknowledgements.map(\.docId) == ["d-1", "d-2", "d-3"])
        }
    }

    @Test func listingFailureThrowsSoTheLoopBacksOff() async throws {
        let pki = try sharedPKI()
        try await withTestBus(pki: pki, behaviour: { _ in .json("{}", status: 502) }) { bus in
            let error = await #expect(throws: RelayFailure.self) { try await poller(pki, bus).pollOnce { _ in .accepted } }
            #expect(error?.reasonCode == "relay.http_5xx")
        }
    }
}
