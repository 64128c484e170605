import EdXML
import Foundation
import HTTPTypes
import Hummingbird
import LibCrypto
import Mustache
import NIOCore
import NIOPosix
import Store

/// The operator console under `/console` and the Prometheus exposition at `/metrics`, mounted on
/// the unit API listener (loopback by default; put it behind TLS when it is not).
public struct OperatorSurface: Sendable {
    let store: SQLiteStore
    public let metrics: GatewayMetrics
    let certificates: (any CertificateExpirySource)?
    let sessions: ConsoleSessions
    let throttle: SignInThrottle
    let library: MustacheLibrary
    let now: @Sendable () -> Date
    let pause: @Sendable (Duration) async -> Void
    /// The cookies carry `Secure` when the listener serves TLS, so a browser never sends a
    /// session over plain HTTP.
    let secureCookies: Bool
    /// SHA-256 of the scraper's token `/metrics` asks for; nil: no token asked.
    let metricsTokenSHA256: [UInt8]?

    /// `pause` waits after a failed sign-in (tests pass one that records instead of sleeping).
    public init(store: SQLiteStore, metrics: GatewayMetrics = GatewayMetrics(),
                certificates: (any CertificateExpirySource)? = nil, sessionLifetime: Duration = .seconds(1800),
                secureCookies: Bool = false, metricsTokenSHA256: [UInt8]? = nil,
                now: @escaping @Sendable () -> Date = { Date() },
                pause: @escaping @Sendable (Duration) async -> Void = { try? await Task.sleep(for: $0) }) throws {
        self.secureCookies = secureCookies
        self.metricsTokenSHA256 = metricsTokenSHA256
        self.store = store
        self.metrics = metrics
        self.certificates = certificates
        self.now = now
        self.pause = pause
        sessions = ConsoleSessions(lifetime: sessionLifetime, now: now)
        throttle = SignInThrottle(now: now)
        library = try ConsoleTemplates.library()
    }

    /// The console's cookies: HttpOnly, under `/console`, Strict unless said otherwise.
    private func consoleCookie(_ name: String, _ value: String, maxAge: Int? = nil, sameSite: Cookie.SameSite = .strict) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/console", secure: secureCookies, httpOnly: true, sameSite: sameSite)
    }

    public func register<Context: RequestContext>(on router: Router<Context>) {
        router.get("/metrics") { request, _ in
            if let metricsTokenSHA256 {
                guard let token = try? BearerTokenMiddleware.token(in: request.headers) else { throw Problem.missingScraperToken }
                let presented = SHA256Hasher.digest(Array(token.utf8))
                guard UnitAuthenticator.constantTimeEqual(presented, metricsTokenSHA256) else { throw Problem.invalidToken }
            }
            let text = try await metrics.scrape(store: store, certificates: certificates, now: now())
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        let console = router.group("/console")
        console.get("/") { _, _ in Self.redirect("/console/overview") }
        console.get("/lang") { request, _ in
            let to = ConsoleLanguage(rawValue: request.uri.queryParameters["to"].map(String.init) ?? "") ?? .vi
            let back = request.uri.queryParameters["back"].map(String.init) ?? "/console/overview"
            var response = Self.redirect(back.hasPrefix("/console/") && !back.hasPrefix("//") ? back : "/console/overview")
            response.setCookie(consoleCookie("lt_lang", to.rawValue, maxAge: 31_536_000, sameSite: .lax))
            return response
        }
        console.get("/signin") { request, _ in signInPage(request, problem: nil, username: "") }
        console.post("/signin") { request, _ in try await signIn(request) }
        console.post("/signout") { request, _ in
            let form = try await Self.form(request)
            if let session = await session(request), PasswordHash.constantTimeEqual(form["csrf"] ?? "", session.csrfToken) {
                await sessions.close(session.token)
            }
            var response = Self.redirect("/console/signin")
            response.setCookie(consoleCookie("lt_session", "", maxAge: 0))
            return response
        }
        console.get("/overview") { request, _ in
            try await withSession(request) { session in try await overviewPage(request, session) }
        }
        console.get("/queue") { request, _ in
            try await withSession(request) { session in try await queuePage(request, session) }
        }
        for direction in ConsoleQuery.Direction.allCases {
            let path = direction == .outbound ? "/messages/{id}" : "/inbound/{id}"
            console.get(RouterPath(path)) { request, context in
                try await withSession(request) { session in
                    try await messagePage(request, session, id: try context.parameters.require("id"), direction: direction)
                }
            }
            console.get(RouterPath(path + "/edxml")) { request, context in
                try await withSession(request) { _ in
                    try await envelopeDownload(id: try context.parameters.require("id"), direction: direction)
                }
            }
            console.get(RouterPath(path + "/attachments/{n}")) { request, context in
                try await withSession(request) { _ in
                    try await attachmentDownload(id: try context.parameters.require("id"), direction: direction,
                                                 index: try context.parameters.require("n", as: Int.self))
                }
            }
        }
        console.get("/refusals") { request, _ in
            try await withSession(request) { session in try await refusalsPage(request, session) }
        }
        console.get("/agencies") { request, _ in
            try await withSession(request) { session in try await agenciesPage(request, session) }
        }
        console.get("/refusals/{id}/edxml") { request, context in
            try await withSession(request) { _ in try await refusalDownload(id: try context.parameters.require("id")) }
        }
        console.post("/messages/{id}/actions") { request, context in
            let id = try context.parameters.require("id")
            let form = try await Self.form(request)
            return try await withSession(request) { session in try await act(request, session, id: id, form: form) }
        }
    }

    // MARK: Sign-in

    private func signInPage(_ request: Request, problem: String?, username: String, status: HTTPResponse.Status = .ok) -> Response {
        // Before a session exists the form is protected by a double-submit token: a cookie and a
        // hidden field that must match.
        let token = PasswordHash.randomToken(bytes: 16)
        let language = Self.language(request)
        var response = page(request, session: nil, template: "signin", title: language.labels["signin"] ?? "",
                            values: ["csrf": token, "problem": problem.map { $0 as Any } ?? false, "username": username], status: status)
        response.setCookie(consoleCookie("lt_signin", token, maxAge: 3600))
        return response
    }

    private func signIn(_ request: Request) async throws -> Response {
        let form = try await Self.form(request)
        let labels = Self.language(request).labels
        guard let cookie = request.cookies["lt_signin"]?.value, PasswordHash.constantTimeEqual(form["csrf"] ?? "", cookie) else {
            return csrfRefusal(request)
        }
        let name = (form["username"] ?? "").trimmingCharacters(in: .whitespaces)
        let password = form["password"] ?? ""
        guard await throttle.begin(name) else {
            return signInPage(request, problem: labels["tooManyAttempts"], username: name, status: .tooManyRequests)
        }
        let account = try await store.operatorAccount(named: name)
        // Hash even for an unknown name, so the answer's timing does not reveal which names exist.
        // scrypt takes 32 MiB and tens of milliseconds: on NIO's blocking pool, not on a thread
        // of Swift's cooperative pool, where a flood of sign-ins would stall every route.
        let hash = account?.passwordHash ?? Self.decoyHash
        let matches = try await NIOThreadPool.singleton.runIfActive { PasswordHash.verify(password, against: hash) }
        guard let account, matches else {
            await pause(await throttle.failed(name))
            return signInPage(request, problem: labels["wrongPassword"], username: name, status: .unauthorized)
        }
        await throttle.succeeded(name)
        let session = await sessions.open(for: account)
        var response = Self.redirect("/console/overview")
        response.setCookie(consoleCookie("lt_session", session.token))
        return response
    }

    static let decoyHash = PasswordHash.make("decoy", parameters: .standard)

    /// The request's live session, its role as the store has it now. `lienthong operator rm` and
    /// `passwd` run in another process: an account removed, or signed in with a password since
    /// changed, ends the session at its next request (as does a store that cannot be read).
    func session(_ request: Request) async -> ConsoleSession? {
        guard let token = request.cookies["lt_session"]?.value, !token.isEmpty,
              var session = await sessions.session(for: token) else { return nil }
        guard let account = try? await store.operatorAccount(named: session.operatorName),
              account.passwordHash == session.passwordHash else {
            await sessions.close(token)
            return nil
        }
        session.role = account.role
        return session
    }

    private func withSession(_ request: Request, _ body: (ConsoleSession) async throws -> Response) async throws -> Response {
        guard let session = await session(request) else {
            let expired = request.cookies["lt_session"].map { !$0.value.isEmpty } ?? false
            if expired {
                let labels = Self.language(request).labels
                var response = signInPage(request, problem: labels["sessionExpired"], username: "", status: .unauthorized)
                response.setCookie(consoleCookie("lt_session", "", maxAge: 0))
                return response
            }
            return Self.redirect("/console/signin")
        }
        return try await body(session)
    }

    // MARK: Actions

    private func act(_ request: Request, _ session: ConsoleSession, id: String, form: [String: String]) async throws -> Response {
        guard PasswordHash.constantTimeEqual(form["csrf"] ?? "", session.csrfToken) else { return csrfRefusal(request) }
        let labels = Self.language(request).labels
        guard session.role == .operator else {
            return notice(request, session, heading: labels["forbidden"] ?? "", text: labels["readOnlyNote"] ?? "",
                          back: "/console/messages/\(id)", status: .forbidden)
        }
        let reason = (form["reason"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let actor = "console:\(session.operatorName)"
        let outcome: OperatorOutcome
        switch form["action"] {
        case "retry": outcome = try await store.retry(.ids([id]), actor: actor, reason: reason.isEmpty ? nil : reason)
        case "hold": outcome = try await store.hold([id], actor: actor, reason: reason.isEmpty ? nil : reason)
        case "release": outcome = try await store.release([id], actor: actor, reason: reason.isEmpty ? nil : reason)
        case "cancel":
            guard !reason.isEmpty else {
                return notice(request, session, heading: labels["error"] ?? "", text: labels["cancelReason"] ?? "",
                              back: "/console/messages/\(id)", status: .badRequest)
            }
            outcome = try await store.cancel([id], actor: actor, reason: reason)
        default:
            return notice(request, session, heading: labels["error"] ?? "", text: "unknown action",
                          back: "/console/messages/\(id)", status: .badRequest)
        }
        // Post/redirect/get, so a reload does not repeat the action. The page shows the outcome
        // from these two codes only, so a crafted link cannot put arbitrary text on it.
        let outcomeQuery = outcome.skipped.first.map { "skipped=\($0.reasonCode)" } ?? "done=\(form["action"] ?? "")"
        return Self.redirect("/console/messages/\(id)?\(outcomeQuery.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? "")")
    }

    private func csrfRefusal(_ request: Request) -> Response {
        let labels = Self.language(request).labels
        return notice(request, nil, heading: labels["forbidden"] ?? "",
                      text: "csrf.invalid: the form's token is missing or stale; reload the page and try again",
                      back: "/console/overview", status: .forbidden)
    }

    // MARK: Rendering

    func page(_ request: Request, session: ConsoleSession?, template: String, title: String,
              values: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        let language = Self.language(request)
        var context = values
        context["l"] = language.labels
        let body = library.render(context, withTemplate: template) ?? ""
        let layout: [String: Any] = [
            "l": language.labels, "lang": language.rawValue, "otherLang": language == .vi ? "en" : "vi",
            "back": request.uri.path, "title": title, "body": body, "signedIn": session != nil,
            "operatorName": session?.operatorName ?? "", "role": session?.role.rawValue ?? "", "csrf": session?.csrfToken ?? "",
        ]
        let html = library.render(layout, withTemplate: "layout") ?? ""
        return Response(status: status, headers: [
            .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
            HTTPField.Name("X-Frame-Options")!: "DENY",
            HTTPField.Name("Content-Security-Policy")!: "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'",
        ], body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    func notice(_ request: Request, _ session: ConsoleSession?, heading: String, text: String, back: String,
                status: HTTPResponse.Status) -> Response {
        page(request, session: session, template: "notice", title: heading,
             values: ["heading": heading, "text": text, "backLink": back], status: status)
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    static func language(_ request: Request) -> ConsoleLanguage {
        request.cookies["lt_lang"].flatMap { ConsoleLanguage(rawValue: $0.value) } ?? .vi
    }

    /// A URL-encoded form body of at most 64 KiB, as a dictionary (the last value of a repeated name wins).
    static func form(_ request: Request) async throws -> [String: String] {
        var request = request
        let buffer = try await request.collectBody(upTo: 64 * 1024)
        return formFields(String(buffer: buffer))
    }

    /// `application/x-www-form-urlencoded` fields: `+` is a space, then percent-decoding.
    static func formFields(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (text: Substring) in text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            result[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return result
    }
}
