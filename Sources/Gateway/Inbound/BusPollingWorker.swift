import EdXML
import Logging
import Relay
import ServiceLifecycle

/// For `bus.delivery = "poll"`: asks the bus for what it holds for us every interval and hands
/// each envelope to the inbound pipeline. Stored or already stored → `done`; refused (and kept)
/// → `fail`; the store unavailable → no acknowledgement, so the bus lists it again.
public struct BusPollingWorker: Service {
    let poller: BusPoller
    let pipeline: InboundPipeline
    let logger: Logger

    public init(poller: BusPoller, pipeline: InboundPipeline, logger: Logger) {
        self.poller = poller
        self.pipeline = pipeline
        self.logger = logger
    }

    public func run() async throws {
        let handler = self.handler
        // Stops at graceful shutdown: the poller's loop ends when its task is cancelled.
        await cancelWhenGracefulShutdown {
            await poller.run(handler)
        }
    }

    public var handler: BusPoller.Handler {
        { [pipeline, logger] fetched in
            do {
                switch try await pipeline.process(fetched.content, source: .poll(busDocId: fetched.summary.docId)) {
                case .accepted, .duplicate: return .accepted
                case .refused: return .refused
                }
            } catch {
                let reason = (error as? any ReasonCoded)?.reasonCode ?? "internal.error"
                logger.error("polled message not stored", metadata: ["bus_doc_id": "\(fetched.summary.docId)", "reason": "\(reason)"])
                return .deferred
            }
        }
    }
}
