import Hummingbird

/// Applies `limits.max_body`: a declared `Content-Length` over it is refused before a byte is
/// read, and the limit goes into the context so that handlers collect at most that much of a
/// chunked body (Hummingbird then throws 413, which `ProblemMiddleware` renders).
struct BodyLimitMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext
    let limit: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit {
            throw Problem.bodyTooLarge(limit: limit)
        }
        var context = context
        context.bodyLimit = limit
        return try await next(request, context)
    }
}

extension Request {
    /// The whole body, refused with 413 beyond the context's limit.
    func collectBody(context: GatewayRequestContext) async throws -> ByteBuffer {
        do {
            return try await body.collect(upTo: context.bodyLimit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw Problem.bodyTooLarge(limit: context.bodyLimit)
        }
    }
}
