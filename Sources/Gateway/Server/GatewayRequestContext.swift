import Hummingbird
import NIOCore

/// The request context of every gateway listener: Hummingbird's core storage, the body limit the
/// configuration sets, and, behind the bearer-token middleware, the authenticated unit.
public struct GatewayRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `BodyLimitMiddleware` from `limits.max_body`.
    public var bodyLimit: Int = GatewayConfiguration.Limits.defaultMaxBodyBytes
    /// Set by `BearerTokenMiddleware`; present in every `/v1` handler.
    public var unit: AuthenticatedUnit?
    /// The connection the request came on, for what only it knows (the TLS peer's certificate).
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    public var maxUploadSize: Int { bodyLimit }

    /// The unit of an authenticated request; a handler behind the middleware can rely on it.
    func authenticatedUnit() throws -> AuthenticatedUnit {
        guard let unit else { throw Problem.missingToken }
        return unit
    }
}
