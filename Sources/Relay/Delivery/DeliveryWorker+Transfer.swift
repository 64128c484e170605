import Logging
import Store

extension DeliveryWorker {
    /// One attempt: read the envelope, deliver it (`keepLeases` keeps its lease alive), report
    /// the outcome (or give the message back when the worker is stopping), one log line.
    func transfer(_ claim: ClaimedMessage) async {
        transferStarted(claim.lease)
        var delivered = false
        defer { transferEnded(claim.lease, retryQueued: !delivered) }
        let message = claim.message
        var logger = self.logger
        logger[metadataKey: "message_id"] = "\(message.id)"
        logger[metadataKey: "destination"] = "\(message.destination)"
        logger[metadataKey: "attempt"] = "\(claim.lease.attemptNumber)"
        let clock = ContinuousClock()
        let started = clock.now

        let result: AttemptResult
        do {
            let envelope = Array(try await store.envelope(ofMessage: message.id))
            result = AttemptResult(await deliverer.deliver(message, envelope: envelope))
        } catch is CancellationError {
            await giveBack(claim, logger: logger)
            return
        } catch {
            result = .failed(Self.unreadableEnvelope(error))
        }
        if Task.isCancelled, !result.isDelivered {
            await giveBack(claim, logger: logger)
            return
        }
        delivered = await report(claim, result: result, duration: started.duration(to: clock.now), logger: logger) == .delivered
    }

    /// Records the attempt; returns the state the message is left in (nil if not recorded).
    private func report(_ claim: ClaimedMessage, result: AttemptResult, duration: Duration, logger: Logger) async -> MessageState? {
        let store = self.store
        var metadata: Logger.Metadata = ["duration_ms": "\(duration.milliseconds)"]
        var reasonCode: String?
        if case .failed(let failure) = result {
            reasonCode = failure.reasonCode
            metadata["reason_code"] = "\(failure.reasonCode)"
            metadata["reason"] = "\(failure.detail)"
            if case .classified(_, _, let status?, _, _) = failure { metadata["http_status"] = "\(status)" }
            if case .retryable(let after?) = failure.classification { metadata["retry_after"] = "\(after)" }
        }
        let state: MessageState?
        do {
            state = try await Self.uncancelled { try await store.complete(claim.lease, result: result, duration: duration) }
        } catch {
            state = nil
            metadata["not_recorded"] = "\(error)"
        }
        if let state { metadata["state"] = "\(state.rawValue)" }
        switch (result.isDelivered, state) {
        case (true, .some): logger.info("delivered", metadata: metadata)
        case (false, .some(.dead)): logger.error("delivery failed for good", metadata: metadata)
        case (false, .some): logger.warning("delivery failed, will retry", metadata: metadata)
        case (_, nil): logger.error("delivery attempt ended but could not be recorded", metadata: metadata)
        }
        onAttempt?(DeliveryAttempt(messageID: claim.message.id, destination: claim.message.destination,
                                   reasonCode: reasonCode, delivered: result.isDelivered, duration: duration, state: state))
        return state
    }

    private func giveBack(_ claim: ClaimedMessage, logger: Logger) async {
        let store = self.store
        do {
            try await Self.uncancelled {
                try await store.release(claim.lease, reason: "the worker stopped before the transfer finished")
            }
            logger.info("transfer cancelled by shutdown; the message is back in the queue", metadata: ["state": "queued"])
        } catch {
            logger.warning("transfer cancelled by shutdown and the message could not be given back; it returns when its lease expires",
                           metadata: ["reason": "\(error)"])
        }
    }

    /// A message whose envelope cannot be read: a missing blob cannot come back by retrying,
    /// anything else (I/O) may.
    static func unreadableEnvelope(_ error: any Error) -> DeliveryFailure {
        let code = (error as? StoreError)?.reasonCode ?? "store.io"
        return .classified(reasonCode: code, detail: "the envelope could not be read: \(error)", httpStatus: nil,
                           retryable: code != "store.blob_missing", retryAfter: nil)
    }

    /// Store writes that must happen even when the transfer's task was cancelled (shutdown):
    /// the database refuses work in a cancelled task, so they run in a task of their own (an
    /// unstructured task is not cancelled with its creator), started on this thread.
    static func uncancelled<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        try await Task.immediate { try await operation() }.value
    }
}

extension AttemptResult {
    var isDelivered: Bool {
        if case .delivered = self { true } else { false }
    }
}

extension Duration {
    var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
