import EdXML
import Hummingbird
import Logging

/// Turns every error under it into problem+json: our `Problem`s as they are, Hummingbird's
/// `HTTPError`s (unknown route, oversized body) by status, a decoding error as 400, a refusal
/// from a lower layer (any `ReasonCoded`) as 422 with its reason code, anything else as a 500
/// whose detail reveals nothing internal (the log has it). Each is counted by its reason code
/// in `lienthong_refusals_total` for the listener it was answered on.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    var metrics: GatewayMetrics?
    var listener: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let problem = Self.problem(for: error)
            metrics?.recordRefusal(listener: listener, reasonCode: problem.reasonCode)
            if problem.status.code >= 500 {
                context.logger.error("request failed", metadata: ["reason": "\(problem.reasonCode)", "error": "\(error)"])
            } else {
                context.logger.info("request refused", metadata: ["reason": "\(problem.reasonCode)", "status": "\(problem.status.code)"])
            }
            return problem.response()
        }
    }

    static func problem(for error: any Error) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case let httpError as HTTPError:
            return Problem(httpError)
        case is DecodingError:
            return .invalidRequest("the JSON body does not have the expected shape")
        case let refusal as any ReasonCoded:
            return Problem(.unprocessableContent, refusal.reasonCode, refusal.explanation)
        default:
            return Problem(.internalServerError, "internal.error", "the gateway failed to answer; the operator's log has the details")
        }
    }
}
