import Logging

/// Fetches what the bus holds for us and acknowledges it: list → get → the caller's handler →
/// `updateStatus` done or fail. Each round handles a bounded number of messages; `run` repeats
/// rounds at an interval until its task is cancelled.
public struct BusPoller: Sendable {
    /// What the handler decided about one fetched message.
    public enum Verdict: Sendable, Equatable {
        /// Kept (or recognised as a duplicate of one kept): acknowledged `done`.
        case accepted
        /// Refused for good (the handler recorded why): acknowledged `fail`.
        case refused
        /// Not handled now (our store is unavailable, shutting down): no acknowledgement, so the
        /// bus lists it again next round.
        case deferred
    }

    public typealias Handler = @Sendable (VDXPFetchedEdoc) async -> Verdict

    public struct Configuration: Sendable, Equatable {
        public var messageTypes: [VDXPMessageType]
        /// Messages handled per round, over all message types.
        public var maxPerRound: Int
        public var interval: Duration
        /// The longest pause after failed rounds (the pause doubles from `interval` up to this).
        public var maxBackoff: Duration

        public init(messageTypes: [VDXPMessageType] = [.edoc, .status], maxPerRound: Int = 50,
                    interval: Duration = .seconds(30), maxBackoff: Duration = .seconds(300)) {
            self.messageTypes = messageTypes
            self.maxPerRound = max(1, maxPerRound)
            self.interval = interval
            self.maxBackoff = max(interval, maxBackoff)
        }
    }

    /// What one round did.
    public struct RoundReport: Sendable, Equatable {
        public var listed = 0
        public var accepted = 0
        public var refused = 0
        public var deferred = 0
        /// Messages that could not be fetched or acknowledged this round (retried next round).
        public var failed = 0
        public var failures: [RelayFailure] = []

        public init() {}
    }

    public let client: VDXPClient
    public let configuration: Configuration
    private let logger: Logger

    public init(client: VDXPClient, configuration: Configuration = .init(),
                logger: Logger = Logger(label: "lienthong.relay.poller")) {
        self.client = client
        self.configuration = configuration
        self.logger = logger
    }

    /// One round. Throws only when listing fails (the bus is unreachable) or on cancellation;
    /// a failure on one message is counted and the round goes on with the next.
    public func pollOnce(_ handler: Handler) async throws -> RoundReport {
        var report = RoundReport()
        for messageType in configuration.messageTypes {
            let budget = configuration.maxPerRound - report.listed
            guard budget > 0 else { break }
            let waiting = try await client.getReceivedEdocList(messageType: messageType).prefix(budget)
            report.listed += waiting.count
            for summary in waiting {
                try Task.checkCancellation()
                await handle(summary, handler, &report)
            }
        }
        return report
    }

    /// Rounds until the task is cancelled; after a failed round the pause doubles, up to `maxBackoff`.
    public func run(_ handler: Handler) async {
        var pause = configuration.interval
        while !Task.isCancelled {
            do {
                let report = try await pollOnce(handler)
                if report.listed > 0 {
                    logger.info("bus poll round", metadata: [
                        "listed": "\(report.listed)", "accepted": "\(report.accepted)", "refused": "\(report.refused)",
                        "deferred": "\(report.deferred)", "failed": "\(report.failed)",
                    ])
                }
                pause = configuration.interval
            } catch is CancellationError {
                return
            } catch {
                let reason = (error as? RelayFailure)?.reasonCode ?? RelayReason.network
                logger.warning("bus poll failed", metadata: ["reason": "\(reason)", "error": "\(error)"])
                pause = min(pause * 2, configuration.maxBackoff)
            }
            do { try await Task.sleep(for: pause) } catch { return }
        }
    }

    private func handle(_ summary: VDXPEdocSummary, _ handler: Handler, _ report: inout RoundReport) async {
        let content: [UInt8]
        do {
            content = try await client.getEdoc(docId: summary.docId)
        } catch {
            record(error, docId: summary.docId, step: "getEdoc", &report)
            return
        }
        let verdict = await handler(VDXPFetchedEdoc(summary: summary, content: content))
        let status: VDXPTransportStatus
        switch verdict {
        case .accepted: status = .done; report.accepted += 1
        case .refused: status = .fail; report.refused += 1
        case .deferred: report.deferred += 1; return
        }
        do {
            try await client.updateStatus(docId: summary.docId, status: status)
        } catch {
            // The handler already kept or refused it; the bus lists it again and the handler's
            // duplicate check answers the same verdict, so the acknowledgement is retried safely.
            record(error, docId: summary.docId, step: "updateStatus", &report)
        }
    }

    private func record(_ error: any Error, docId: String, step: String, _ report: inout RoundReport) {
        let failure = (error as? RelayFailure)
            ?? RelayFailure(RelayReason.network, "\(step) failed: \(error)", disposition: .retryable(after: nil))
        report.failed += 1
        report.failures.append(failure)
        logger.warning("bus poll step failed", metadata: [
            "docId": "\(docId)", "step": "\(step)", "reason": "\(failure.reasonCode)", "error": "\(failure.explanation)",
        ])
    }
}
