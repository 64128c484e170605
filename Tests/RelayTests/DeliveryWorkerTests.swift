import Foundation
import Relay
import Store
import Testing

/// The delivery worker end to end: a real `SQLiteStore` in a temporary directory, the real
/// libcurl transport and VDXP client, and the HTTPS test bus on 127.0.0.1.
@Suite struct DeliveryWorkerTests {
    private func busDeliverer(_ pki: TestPKI, _ bus: TestBus) throws -> BusDeliverer {
        BusDeliverer(client: VDXPClient(transport: try makeTransport(pki), configuration: VDXPConfiguration(baseURL: bus.baseURL)))
    }

    @Test func aQueuedMessageIsDeliveredToTheBusWithItsHeaders() async throws {
        let pki = try sharedPKI()
        let harness = try DeliveryHarness()
        let envelope = sampleEdxml + Array("<!-- edoc -->".utf8)
        let edoc = try await harness.enqueue(envelope: envelope)
        let status = try await harness.enqueue(to: "000.00.00.H29", kind: "status")
        try await withTestBus(pki: pki, behaviour: { _ in okReply }) { bus in
            try await withWorker(harness.worker(try busDeliverer(pki, bus))) {
                let attempts = await harness.attempts.waitFor(2)
                #expect(attempts.count == 2)
                #expect(attempts.allSatisfy { $0.delivered && $0.reasonCode == nil && $0.state == .delivered })
            }
            let requests = await bus.recorder.requests
            #expect(requests.count == 2)
            let edocRequest = try #require(requests.first { $0.header("to") == #"["000.00.00.H41"]"# })
            #expect(edocRequest.call == "sendEdoc")
            #expect(edocRequest.header("from") == DeliveryHarness.sender)
            #expect(edocRequest.header("messagetype") == "edoc")
            let parts = try #require(parseMultipart(edocRequest.body, contentType: edocRequest.header("Content-Type") ?? ""))
            #expect(parts.first?.data == envelope)
            let statusRequest = try #require(requests.first { $0.header("to") == #"["000.00.00.H29"]"# })
            #expect(statusRequest.header("messagetype") == "status")
        }
        #expect(try await harness.state(of: edoc) == .delivered)
        #expect(try await harness.state(of: status) == .delivered)
        let detail = try await harness.store.detail(ofMessage: edoc)
        #expect(detail.attempts.map(\.outcome) == [.delivered])
    }

    @Test func aFailingBusIsRetriedUntilItIsBack() async throws {
        let pki = try sharedPKI()
        let harness = try DeliveryHarness()
        let id = try await harness.enqueue()
        let calls = Observations<Int>()
        try await withTestBus(pki: pki, behaviour: { _ in
            calls.append(0)
            return calls.items.count == 1 ? .json("down for maintenance", status: 503) : okReply
        }) { bus in
            try await withWorker(harness.worker(try busDeliverer(pki, bus))) {
                await harness.attempts.waitFor(2)
            }
        }
        let attempts = harness.attempts.items
        #expect(attempts.map(\.delivered) == [false, true])
        #expect(attempts.first?.reasonCode == "relay.http_5xx")
        #expect(attempts.first?.state == .retryWait)
        let detail = try await harness.store.detail(ofMessage: id)
        #expect(detail.message.state == .delivered)
        #expect(detail.attempts.map(\.outcome) == [.retry, .delivered])
        #expect(detail.attempts.map(\.httpStatus) == [503, 200], "each attempt records the status the bus answered with")
        #expect(detail.attempts.first?.httpStatus == 503)
        #expect(detail.attempts.first?.reasonCode == "relay.http_5xx")
        #expect(detail.changes.map(\.to) == [.queued, .sending, .retryWait, .sending, .delivered])
    }

    @Test func aRetryLeavesAtItsBackoffNotAtTheNextPoll() async throws {
        let pki = try sharedPKI()
        let harness = try DeliveryHarness()
        _ = try await harness.enqueue()
        let calls = Observations<Int>()
        try await withTestBus(pki: pki, behaviour: { _ in
            calls.append(0)
            return calls.items.count == 1 ? .json("down for maintenance", status: 503) : okReply
        }) { bus in
            // An hour's poll and no nudge after the first round: only the retry's due time can
            // wake the worker (the fast policy's backoff is at most 50 ms).
            let worker = harness.worker(try busDeliverer(pki, bus), configuration: .init(pollInterval: .seconds(3600)))
            try await withWorker(worker) {
                let attempts = await harness.attempts.waitFor(2)
                #expect(attempts.map(\.delivered) == [false, true])
            }
        }
    }

    @Test func aPermanentRefusalEndsDeadWithItsReason() async throws {
        let pki = try sharedPKI()
        let harness = try DeliveryHarness()
        let badRequest = try await harness.enqueue(to: "000.00.00.H41")
        let refused = try await harness.enqueue(to: "000.00.00.H99")
        try await withTestBus(pki: pki, behaviour: { request in
            request.header("to") == #"["000.00.00.H41"]"#
                ? .json("malformed", status: 400)
                : .json(#"{"status":"FAIL","ErrorCode":"E404","ErrorDesc":"unknown recipient"}"#)
        }) { bus in
            try await withWorker(harness.worker(try busDeliverer(pki, bus))) {
                await harness.attempts.waitFor(2)
            }
        }
        let first = try await harness.store.detail(ofMessage: badRequest)
        #expect(first.message.state == .dead)
        #expect(first.message.lastReasonCode == "relay.http_4xx")
        #expect(first.attempts.first?.httpStatus == 400)
        let second = try await harness.store.detail(ofMessage: refused)
        #expect(second.message.state == .dead)
        #expect(second.message.lastReasonCode == "relay.refused")
        #expect(second.message.lastReason?.contains("unknown recipient") == true)
        #expect(harness.attempts.items.count == 2, "a permanent failure is not retried")
    }

    @Test func retryAfterIsHonoured() async throws {
        let pki = try sharedPKI()
        let harness = try DeliveryHarness()
        let id = try await harness.enqueue()
        let before = Date()
        try await withTestBus(pki: pki, behaviour: { _ in .json("busy", status: 429, headers: [("Retry-After", "120")]) }) { bus in
            try await withWorker(harness.worker(try busDeliverer(pki, bus))) {
                await harness.attempts.waitFor(1)
            }
        }
        let message = try await harness.store.detail(ofMessage: id).message
        #expect(message.state == .retryWait)
        #expect(message.lastReasonCode == "relay.rate_limited")
        // The fast policy alone would retry within 50 ms; the bus asked for two minutes.
        let due = try #require(message.dueAt)
        #expect(due >= before.addingTimeInterval(120))
        #expect(harness.attempts.items.count == 1)
    }

    /// Runs `body` with a worker delivering to a bus that accepts everything, with an hour's poll
    /// (within a test only a nudge can make it claim again), over a store that reports each claim.
    private func withNudgedWorker(_ harness: DeliveryHarness,
                                  _ body: (_ store: ClaimObservingStore) async throws -> Void) async throws {
        let pki = try sharedPKI()
        let observed = ClaimObservingStore(harness.store, claims: Observations<Int>())
        try await withTestBus(pki: pki, behaviour: { _ in okReply }) { bus in
            let worker = harness.worker(try busDeliverer(pki, bus), configuration: .init(pollInterval: .seconds(3600)),
                                        store: observed)
            try await withWorker(worker) { try await body(observed) }
        }
    }

    @Test func aNudgeStartsDeliveryWithoutWaitingForThePoll() async throws {
        let harness = try DeliveryHarness()
        try await withNudgedWorker(harness) { observed in
            let first = await observed.claims.waitFor(1)
            #expect(first == [0], "the first round finds an empty queue, then the worker waits")
            let id = try await harness.enqueue()
            harness.signal.nudge()
            let attempts = await harness.attempts.waitFor(1)
            #expect(attempts.first?.messageID == id)
            #expect(attempts.first?.delivered == true)
        }
    }

    @Test func aDeliveredTransferAloneClaimsNothing() async throws {
        let harness = try DeliveryHarness()
        try await withNudgedWorker(harness) { observed in
            // The first round: an empty claim, then the read of when the next message falls due
            // (a message queued during that read could be seen there as due a millisecond later,
            // which would rightly make one more claim).
            _ = await observed.claims.waitFor(1)
            _ = await observed.dueTimeReads.waitFor(1)
            for number in 1...3 {
                _ = try await harness.enqueue()
                harness.signal.nudge()
                _ = await harness.attempts.waitFor(number)
            }
            // Past the last transfer's end: a claim it set off would have been seen by now.
            try await Task.sleep(for: .milliseconds(300))
            #expect(harness.attempts.items.allSatisfy { $0.delivered })
            // The first round, then one claim per nudge; a claim after each delivery would make 7.
            #expect(observed.claims.items == [0, 1, 1, 1])
        }
    }

    /// A test bus that accepts every call but holds the first one until `gate` opens (opened at
    /// the end in any case); `arrived` has one item per call received.
    private func withBusHoldingTheFirstCall(_ pki: TestPKI,
                                            _ body: (TestBus, _ arrived: Observations<Int>, _ gate: Gate) async throws -> Void) async throws {
        let arrived = Observations<Int>()
        let gate = Gate()
        defer { gate.open() }
        _ = try await withTestBus(pki: pki, behaviour: { _ in
            arrived.append(0)
            if arrived.items.count == 1 { await gate.wait() }
            return okReply
        }) { bus in try await body(bus, arrived, gate) }
    }

    private func submission() -> OutboundSubmission {
        OutboundSubmission(documentID: UUID().uuidString, from: DeliveryHarness.sender, to: [DeliveryHarness.recipient],
                           subject: "test", kind: "edoc", envelope: Data(sampleEdxml))
    }

    /// A producer that enqueues through the signal has its messages claimed for the running
    /// worker in the enqueue's own transaction: the worker starts them with no claim of its own.
    @Test func anEnqueueThroughTheSignalIsHandedToTheWorkerWithoutAClaim() async throws {
        let harness = try DeliveryHarness()
        try await withNudgedWorker(harness) { observed in
            _ = await observed.claims.waitFor(1)
            _ = await observed.dueTimeReads.waitFor(1)
            var ids: [String] = []
            for number in 1...3 {
                let receipt = try await harness.signal.enqueue(submission(), in: harness.store)
                #expect(receipt.handedOff.count == 1)
                ids.append(receipt.messages[0].messageID)
                _ = await harness.attempts.waitFor(number)
            }
            #expect(harness.attempts.items.map(\.messageID) == ids)
            #expect(harness.attempts.items.allSatisfy { $0.delivered })
            try await Task.sleep(for: .milliseconds(300))
            #expect(observed.claims.items == [0], "no claim after the first round: each message came with its enqueue")
        }
    }

    /// With every slot busy the enqueue hands nothing off and nudges instead: the worker claims
    /// the message once a slot frees.
    @Test func withNoFreeSlotTheEnqueueNudgesAndTheWorkerClaims() async throws {
        let pki = try sharedPKI()
        let harness = try DeliveryHarness()
        let observed = ClaimObservingStore(harness.store, claims: Observations<Int>())
        try await withBusHoldingTheFirstCall(pki) { bus, arrived, gate in
            let worker = harness.worker(try busDeliverer(pki, bus), configuration: .init(concurrency: 1, pollInterval: .seconds(3600)),
                                        store: observed)
            try await withWorker(worker) {
                _ = await observed.claims.waitFor(1)
                let first = try await harness.signal.enqueue(submission(), in: harness.store)
                #expect(first.handedOff.count == 1)
                await arrived.waitFor(1)
                let second = try await harness.signal.enqueue(submission(), in: harness.store)
                #expect(second.handedOff.isEmpty, "the only slot is busy")
                gate.open()
                let attempts = await harness.attempts.waitFor(2)
                #expect(attempts.map(\.messageID) == [first.messages[0].messageID, second.messages[0].messageID])
                #expect(attempts.allSatisfy { $0.delivered })
                #expect(observed.claims.items.last == 1, "the second was claimed by the worker")
            }
        }
    }

    @Test func gracefulStopReleasesAnInFlightLeaseAndARestartDeliversOnce() async throws {
        let pki = try sharedPKI()
        let harness = try DeliveryHarness()
        let id = try await harness.enqueue()
        try await withBusHoldingTheFirstCall(pki) { bus, arrived, gate in
            let first = RunningWorker(harness.worker(try busDeliverer(pki, bus), configuration: .init(shutdownGrace: .zero)))
            await arrived.waitFor(1)
            try await first.stop()

            let released = try await harness.store.detail(ofMessage: id)
            #expect(released.message.state == .queued)
            #expect(released.message.leaseOwner == nil)
            #expect(released.attempts.map(\.outcome) == [.released])
            #expect(released.changes.last?.reasonCode == "queue.released")
            #expect(harness.attempts.items.isEmpty, "a released transfer is not an attempt")
            gate.open()

            try await withWorker(harness.worker(try busDeliverer(pki, bus))) {
                await harness.attempts.waitFor(1)
            }
            #expect(await bus.recorder.requests.count == 2, "the held request, then the one delivery")
        }
        let detail = try await harness.store.detail(ofMessage: id)
        #expect(detail.message.state == .delivered)
        #expect(detail.attempts.map(\.outcome) == [.released, .delivered])
        #expect(harness.attempts.items.map(\.delivered) == [true])
    }

    @Test func gracefulStopLetsATransferInFlightFinish() async throws {
        let pki = try sharedPKI()
        let harness = try DeliveryHarness()
        let id = try await harness.enqueue()
        let arrived = Observations<Int>()
        let gate = Gate()
        defer { gate.open() }
        try await withTestBus(pki: pki, behaviour: { _ in
            arrived.append(0)
            await gate.wait()
            return okReply
        }) { bus in
            let running = RunningWorker(harness.worker(try busDeliverer(pki, bus), configuration: .init(shutdownGrace: .seconds(60))))
            await arrived.waitFor(1)
            await running.group.triggerGracefulShutdown()
            gate.open()
            try await running.task.value
        }
        #expect(try await harness.state(of: id) == .delivered)
        #expect(harness.attempts.items.map(\.delivered) == [true])
    }

    @Test func eachAttemptIsOneLogLineWithTheMessageID() async throws {
        let pki = try sharedPKI()
        let harness = try DeliveryHarness()
        let id = try await harness.enqueue()
        let calls = Observations<Int>()
        try await withTestBus(pki: pki, behaviour: { _ in
            calls.append(0)
            return calls.items.count == 1 ? .json("", status: 502) : okReply
        }) { bus in
            try await withWorker(harness.worker(try busDeliverer(pki, bus))) {
                await harness.attempts.waitFor(2)
            }
        }
        let lines = harness.logs.items.filter { $0.metadata["message_id"] == id }
        #expect(lines.map(\.message) == ["delivery failed, will retry", "delivered"])
        #expect(lines.first?.metadata["reason_code"] == "relay.http_5xx")
        #expect(lines.first?.metadata["http_status"] == "502")
        #expect(lines.allSatisfy { $0.metadata["attempt"] != nil && $0.metadata["destination"] == DeliveryHarness.recipient })
    }

    @Test func noMoreThanItsConcurrencyAndFreedSlotsAreRefilled() async throws {
        let pki = try sharedPKI()
        let harness = try DeliveryHarness()
        for _ in 0..<5 { _ = try await harness.enqueue() }
        let arrived = Observations<Int>()
        let gate = Gate()
        defer { gate.open() }
        try await withTestBus(pki: pki, behaviour: { _ in
            arrived.append(0)
            await gate.wait()
            return okReply
        }) { bus in
            // An hour's poll: only finished transfers can make the worker claim the rest.
            let worker = harness.worker(try busDeliverer(pki, bus), configuration: .init(concurrency: 2, pollInterval: .seconds(3600)))
            try await withWorker(worker) {
                await arrived.waitFor(2)
                gate.open()
                await harness.attempts.waitFor(5)
            }
            #expect(await bus.recorder.maxInFlight <= 2)
            #expect(await bus.recorder.requests.count == 5)
        }
        #expect(harness.attempts.items.count == 5)
        #expect(harness.attempts.items.allSatisfy { $0.delivered })
    }

    @Test func aLongTransferKeepsItsLease() async throws {
        let pki = try sharedPKI()
        let harness = try DeliveryHarness()
        let id = try await harness.enqueue()
        let arrived = Observations<Int>()
        let gate = Gate()
        defer { gate.open() }
        try await withTestBus(pki: pki, behaviour: { _ in
            arrived.append(0)
            await gate.wait()
            return okReply
        }) { bus in
            let worker = harness.worker(try busDeliverer(pki, bus), configuration: .init(leaseDuration: .seconds(2)))
            try await withWorker(worker) {
                await arrived.waitFor(1)
                // Past the first lease's expiry: had it not been extended, this claim would take the message over.
                try await Task.sleep(for: .seconds(3))
                let stolen = try await harness.store.claim(worker: "other", limit: 5, leaseDuration: .seconds(60))
                #expect(stolen.isEmpty)
                gate.open()
                await harness.attempts.waitFor(1)
            }
        }
        let detail = try await harness.store.detail(ofMessage: id)
        #expect(detail.message.state == .delivered)
        #expect(detail.attempts.map(\.outcome) == [.delivered])
    }
}
