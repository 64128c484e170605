import Foundation
import Hummingbird
import Logging

/// `/healthz`: the process answers. `/readyz`: every readiness probe passes; otherwise 503 with the
/// first failing probe's reason as a problem, and every probe's outcome in `checks`.
struct HealthRoutes {
    let probes: [any ReadinessProbe]

    func register(on router: Router<GatewayRequestContext>) {
        router.get("/healthz") { _, _ in
            Self.json(["status": "ok"], status: .ok)
        }
        router.get("/readyz") { _, context in
            try await readiness(logger: context.logger)
        }
    }

    private func readiness(logger: Logger) async throws -> Response {
        var checks: [String: String] = [:]
        var firstFailure: (name: String, reason: String, detail: String)?
        for probe in probes {
            switch await probe.check() {
            case .ready:
                checks[probe.name] = "ready"
            case .notReady(let reason, let detail):
                checks[probe.name] = reason
                if firstFailure == nil { firstFailure = (probe.name, reason, detail) }
            }
        }
        guard let failure = firstFailure else {
            return Self.json(["status": "ready", "checks": checks], status: .ok)
        }
        logger.warning("not ready", metadata: ["probe": "\(failure.name)", "reason": "\(failure.reason)"])
        let problem = Problem(.serviceUnavailable, failure.reason, "\(failure.name): \(failure.detail)")
        var response = problem.response()
        // The problem body plus the per-probe outcome, so one call shows everything that is wrong.
        let body = ProblemBody(type: problem.typeURI, title: problem.status.reasonPhrase, status: 503,
                               detail: problem.detail, reason: problem.reasonCode)
        response.body = .init(byteBuffer: ByteBuffer(bytes: Self.encode(ReadinessProblem(problem: body, checks: checks))))
        return response
    }

    private struct ReadinessProblem: Encodable {
        let problem: ProblemBody
        let checks: [String: String]

        func encode(to encoder: any Encoder) throws {
            try problem.encode(to: encoder)
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(checks, forKey: .checks)
        }

        enum Key: String, CodingKey { case checks }
    }

    private static func json(_ value: [String: any Sendable], status: HTTPResponse.Status) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])) ?? Data()
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    private static func encode(_ value: some Encodable) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(value)) ?? Data()
    }
}
