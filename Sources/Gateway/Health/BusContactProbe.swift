import Foundation
import Logging
import Relay
import ServiceLifecycle

/// Reaches the bus over the relay's own TLS setup every `interval` and records each answer in a
/// `BusContactTracker`, so `/readyz` knows the bus link works even when nothing is being sent.
/// Any HTTP answer counts: connect, handshake and trust all worked.
struct BusContactProbe: Service {
    let transport: CurlHTTPTransport
    let url: String
    let tracker: BusContactTracker
    let interval: Duration
    let logger: Logger

    func run() async throws {
        var failuresInARow = 0
        var warnedReason: String?
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            switch await transport.probe(url) {
            case .success:
                tracker.recordContact()
                if warnedReason != nil { logger.notice("bus reachable again", metadata: ["url": "\(url)"]) }
                failuresInARow = 0
                warnedReason = nil
            case .failure(let failure):
                failuresInARow += 1
                // One miss is often a bus started at the same moment (the demo, an orchestrator):
                // only a second miss in a row is worth a warning, and only once per reason.
                let metadata: Logger.Metadata = ["url": "\(url)", "reason": "\(failure.reasonCode)", "error": "\(failure.explanation)"]
                if failuresInARow == 1 {
                    logger.info("bus not reachable yet; trying again in 5 s", metadata: metadata)
                } else if warnedReason != failure.reasonCode {
                    logger.warning("bus not reachable", metadata: metadata)
                    warnedReason = failure.reasonCode
                }
            }
            // After a failure, look again soon.
            let pause = failuresInARow == 0 ? interval : min(interval, .seconds(5))
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
        }
    }
}
