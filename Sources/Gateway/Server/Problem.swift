import EdXML
import Foundation
import Hummingbird

/// An RFC 9457 problem: every error any listener answers with is one of these, as
/// `application/problem+json` with `type`, `title`, `status`, `detail` and our stable `reason` code.
public struct Problem: Error, Sendable, Equatable, ReasonCoded {
    public let status: HTTPResponse.Status
    public let reasonCode: String
    public let detail: String
    /// Extra response headers (e.g. `WWW-Authenticate` on a 401).
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, _ reasonCode: String, _ detail: String, headers: HTTPFields = [:]) {
        self.status = status
        self.reasonCode = reasonCode
        self.detail = detail
        self.headers = headers
    }

    public var explanation: String { detail }

    /// `type` is a URN built from the reason code, so it is stable and says which problem this is.
    public var typeURI: String { "urn:lienthong:problem:\(reasonCode)" }

    public func response() -> Response {
        let body = ProblemBody(type: typeURI, title: status.reasonPhrase, status: status.code, detail: detail, reason: reasonCode)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(body)) ?? Data("{}".utf8)
        var fields = headers
        fields[.contentType] = "application/problem+json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// The JSON body of a problem response.
public struct ProblemBody: Codable, Sendable, Equatable {
    public let type: String
    public let title: String
    public let status: Int
    public let detail: String
    public let reason: String

    public init(type: String, title: String, status: Int, detail: String, reason: String) {
        self.type = type
        self.title = title
        self.status = status
        self.detail = detail
        self.reason = reason
    }
}

extension Problem {
    static let bearerChallenge: HTTPFields = [.wwwAuthenticate: "Bearer realm=\"lienthong\""]

    static let missingToken = Problem(.unauthorized, "auth.missing_token",
                                      "send the unit's token as 'Authorization: Bearer <token>'", headers: bearerChallenge)
    static let invalidToken = Problem(.unauthorized, "auth.invalid_token", "the bearer token is not one this gateway knows",
                                      headers: [.wwwAuthenticate: "Bearer realm=\"lienthong\", error=\"invalid_token\""])

    static let missingScraperToken = Problem(.unauthorized, "auth.missing_token",
                                             "/metrics asks for the scraper's token (metrics.token_sha256) as 'Authorization: Bearer <token>'",
                                             headers: bearerChallenge)

    static func bodyTooLarge(limit: Int) -> Problem {
        Problem(.contentTooLarge, "http.body_too_large", "the request body is larger than the limit of \(limit) bytes (limits.max_body)")
    }

    static func notFound(_ what: String) -> Problem {
        Problem(.notFound, "http.not_found", what)
    }

    static func invalidRequest(_ detail: String) -> Problem {
        Problem(.badRequest, "request.invalid", detail)
    }

    /// A Hummingbird error (unknown route, body over the limit, …) as our problem.
    init(_ error: HTTPError) {
        switch error.status {
        case .notFound:
            self.init(.notFound, "http.not_found", error.body ?? "no such resource")
        case .contentTooLarge:
            self.init(.contentTooLarge, "http.body_too_large", error.body ?? "the request body is too large")
        case .methodNotAllowed:
            self.init(.methodNotAllowed, "http.method_not_allowed", error.body ?? "this method is not allowed here")
        case .unsupportedMediaType:
            self.init(.unsupportedMediaType, "http.unsupported_media_type", error.body ?? "unsupported content type")
        case .badRequest:
            self.init(.badRequest, "request.invalid", error.body ?? "the request is malformed")
        default:
            self.init(error.status, "http.\(error.status.code)", error.body ?? error.status.reasonPhrase)
        }
        headers = error.headers
    }
}
