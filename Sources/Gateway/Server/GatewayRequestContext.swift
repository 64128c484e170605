import Hummingbird

/// The request context of every gateway listener: Hummingbird's core storage, the body limit the
/// configuration sets, and, behind the bearer-token middleware, the authenticated unit.
public struct GatewayRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `BodyLimitMiddleware` from `limits.max_body`.
    public var bodyLimit: Int = GatewayConfiguration.Limits.defaultMaxBodyBytes
    /// Set by `BearerTokenMiddleware`; present in every `/v1` handler.
    public var unit: AuthenticatedUnit?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    public var maxUploadSize: Int { bodyLimit }

    /// The unit of an authenticated request; a handler behind the middleware can rely on it.
    func authenticatedUnit() throws -> AuthenticatedUnit {
        guard let unit else { throw Problem.missingToken }
        return unit
    }
}
