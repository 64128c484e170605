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
        var lastFailure: String?
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            switch await transport.probe(url) {
            case .success:
                await tracker.recordContact()
                if lastFailure != nil { logger.notice("bus reachable again", metadata: ["url": "\(url)"]) }
                lastFailure = nil
            case .failure(let failure):
                if lastFailure != failure.reasonCode {
                    logger.warning("bus not reachable", metadata: ["url": "\(url)", "reason": "\(failure.reasonCode)",
                                                                   "error": "\(failure.explanation)"])
                }
                lastFailure = failure.reasonCode
            }
            // After a failure, look again soon: nodes started together may simply not listen yet.
            let pause = lastFailure == nil ? interval : min(interval, .seconds(5))
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
        }
    }
}
