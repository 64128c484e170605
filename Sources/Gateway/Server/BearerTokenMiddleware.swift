import HTTPTypes
import Hummingbird

/// Authenticates a unit server by its bearer token: token → SHA-256 → constant-time comparison with
/// the configured hashes. On success the unit (and its OrganIds) is in the request context; on
/// failure the request ends with a 401 problem.
struct BearerTokenMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext
    let authenticator: UnitAuthenticator

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let unit = authenticator.unit(forToken: try Self.token(in: request.headers)) else { throw Problem.invalidToken }
        var context = context
        context.unit = unit
        context.logger[metadataKey: "unit"] = "\(unit.name)"
        return try await next(request, context)
    }

    /// The token of an `Authorization: Bearer <token>` header (`auth.missing_token` without one).
    static func token(in headers: HTTPFields) throws -> String {
        guard let header = headers[.authorization] else { throw Problem.missingToken }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { throw Problem.missingToken }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        guard !token.isEmpty else { throw Problem.missingToken }
        return token
    }
}
