import Foundation
import Gateway
import HTTPTypes
import LibCrypto
import Store
import Testing

@Suite("Operator console")
struct ConsoleTests {
    @Test func signInOpensTheOverviewWithCountsAndVietnameseLabels() async throws {
        let fixture = try await ConsoleFixture()
        try await fixture.test { browser in
            let before = try await browser.get("/console/overview")
            #expect(before.status == .seeOther)
            #expect(before.location == "/console/signin")
            let signedIn = try await browser.signIn("an")
            #expect(signedIn.status == .seeOther)
            #expect(signedIn.location == "/console/overview")
            let overview = try await browser.get("/console/overview")
            #expect(overview.status == .ok)
            #expect(overview.html.contains("<html lang=\"vi\">"))
            #expect(overview.html.contains("Tổng quan"))
            #expect(overview.html.contains("href=\"/console/queue?state=retry_wait\">retry_wait</a></td><td>1</td>"))
            #expect(overview.html.contains("href=\"/console/queue?state=dead\">dead</a></td><td>1</td>"))
            #expect(overview.html.contains("<code>bus.unknown_recipient</code> × 1"))
            let waiting = try #require(fixture.ids["waiting"])
            #expect(overview.html.contains("<a href=\"/console/messages/\(waiting)\">000.00.00.H41,2026/11/20,101/UBND-VX</a>"))
            #expect(overview.html.contains("<code>delivery.http_503</code> × 1"))
            #expect(overview.html.contains("signing: Số ngày còn lại <strong>39</strong>") || overview.html.contains("<strong>40</strong>"))
            let english = try await browser.get("/console/lang?to=en&back=/console/overview")
            #expect(english.location == "/console/overview")
            #expect(try await browser.get("/console/overview").html.contains("Oldest undelivered message"))
        }
    }

    /// Behind TLS a browser must never send the session over plain HTTP; on a plain listener
    /// (loopback, the default) a Secure cookie would not be kept at all.
    @Test(arguments: [true, false])
    func cookiesAreSecureExactlyWhenTheListenerServesTLS(_ secure: Bool) async throws {
        let fixture = try await ConsoleFixture(secureCookies: secure)
        try await fixture.test { browser in
            let form = try await browser.get("/console/signin")
            let signedIn = try await browser.signIn("an")
            let cookies = form.headers[values: .setCookie] + signedIn.headers[values: .setCookie]
            #expect(cookies.contains { $0.hasPrefix("lt_session=") } && cookies.contains { $0.hasPrefix("lt_signin=") }, "\(cookies)")
            #expect(cookies.allSatisfy { $0.contains("HttpOnly") && $0.contains("Path=/console") }, "\(cookies)")
            #expect(cookies.allSatisfy { $0.contains("; Secure") == secure }, "\(cookies)")
        }
    }

    /// `operator rm` and `operator passwd` run in another process, against the store: the
    /// daemon's sessions follow it at their next request.
    @Test func aRemovedOperatorOrAChangedPasswordEndsTheSession() async throws {
        let fixture = try await ConsoleFixture()
        try await fixture.test { browser in
            #expect(try await browser.signIn("an").status == .seeOther)
            #expect(try await browser.get("/console/queue").status == .ok)
            try await fixture.store.setOperatorPassword("an", passwordHash: PasswordHash.make("một mật khẩu mới dài", parameters: ConsoleFixture.cheap))
            let afterPasswd = try await browser.get("/console/queue")
            #expect(afterPasswd.status == .unauthorized, "the sign-in page, the session ended")
            #expect(browser.cookies.withLock { $0["lt_session"] } == nil)
        }
        try await fixture.test { browser in
            #expect(try await browser.signIn("binh").status == .seeOther)
            #expect(try await browser.get("/console/queue").status == .ok)
            try await fixture.store.removeOperator("binh")
            let afterRemoval = try await browser.get("/console/queue")
            #expect(afterRemoval.status == .unauthorized, "the sign-in page, the session ended")
            #expect(browser.cookies.withLock { $0["lt_session"] } == nil)
        }
    }

    @Test func aWrongPasswordIsRefusedSlowedAndThenLockedOut() async throws {
        let fixture = try await ConsoleFixture()
        try await fixture.test { browser in
            for _ in 0..<5 {
                let refused = try await browser.signIn("an", "wrong-password")
                #expect(refused.status == .unauthorized)
                #expect(refused.html.contains("Tên đăng nhập hoặc mật khẩu không đúng."))
            }
            // Each failure waits longer than the one before.
            let pauses = fixture.pauses.withLock { $0 }
            #expect(pauses.count == 5)
            #expect(zip(pauses, pauses.dropFirst()).allSatisfy { $0 < $1 })
            let locked = try await browser.signIn("an")
            #expect(locked.status == .tooManyRequests)
            #expect(browser.cookies.withLock { $0["lt_session"] } == nil)
            // Another account is not affected; after the window the right password works again.
            #expect(try await browser.signIn("binh").status == .seeOther)
            fixture.advance(901)
            #expect(try await browser.signIn("an").status == .seeOther)
        }
    }

    @Test func anUnknownNameIsRefusedLikeAWrongPassword() async throws {
        let fixture = try await ConsoleFixture()
        try await fixture.test { browser in
            let refused = try await browser.signIn("nobody")
            #expect(refused.status == .unauthorized)
        }
    }

    @Test func anIdleSessionExpires() async throws {
        let fixture = try await ConsoleFixture()
        try await fixture.test { browser in
            _ = try await browser.signIn("an")
            fixture.advance(300)
            #expect(try await browser.get("/console/queue").status == .ok)
            fixture.advance(601)
            let expired = try await browser.get("/console/queue")
            #expect(expired.status == .unauthorized)
            #expect(expired.html.contains("Phiên làm việc đã hết hạn"))
        }
    }

    @Test func formsWithoutTheSessionsCSRFTokenAreRefused() async throws {
        let fixture = try await ConsoleFixture()
        let id = try #require(fixture.ids["dead"])
        try await fixture.test { browser in
            _ = try await browser.signIn("an")
            let forged = try await browser.post("/console/messages/\(id)/actions", [("action", "retry"), ("csrf", "0000")])
            #expect(forged.status == .forbidden)
            #expect(forged.html.contains("csrf.invalid"))
            let missing = try await browser.post("/console/messages/\(id)/actions", [("action", "retry")])
            #expect(missing.status == .forbidden)
            #expect(try await fixture.store.detail(ofMessage: id).message.state == .dead)
            // Sign-in itself needs the token of its own form.
            let signIn = try await browser.post("/console/signin", [("username", "an"), ("password", ConsoleFixture.password)])
            #expect(signIn.status == .forbidden)
        }
    }

    @Test func aReadOnlyAccountSeesButCannotRetry() async throws {
        let fixture = try await ConsoleFixture()
        let id = try #require(fixture.ids["dead"])
        try await fixture.test { browser in
            _ = try await browser.signIn("binh")
            let page = try await browser.get("/console/messages/\(id)")
            #expect(page.html.contains("Tài khoản chỉ xem"))
            #expect(!page.html.contains("value=\"retry\""))
            let csrf = try #require(page.csrf)
            let refused = try await browser.post("/console/messages/\(id)/actions", [("action", "retry"), ("csrf", csrf)])
            #expect(refused.status == .forbidden)
            #expect(try await fixture.store.detail(ofMessage: id).message.state == .dead)
            #expect(try await fixture.store.detail(ofMessage: id).operatorActions.isEmpty)
        }
    }

    @Test func eachActionIsAppliedAndRecordedWithTheOperatorsName() async throws {
        let fixture = try await ConsoleFixture()
        let dead = try #require(fixture.ids["dead"]), queued = try #require(fixture.ids["queued"])
        try await fixture.test { browser in
            _ = try await browser.signIn("an")
            func act(_ id: String, _ action: String, reason: String = "") async throws -> Browser.Page {
                let page = try await browser.get("/console/messages/\(id)")
                let csrf = page.csrf ?? ""  // a missing token makes the post fail visibly (403)
                return try await browser.post("/console/messages/\(id)/actions", [("action", action), ("reason", reason), ("csrf", csrf)])
            }
            let retried = try await act(dead, "retry")
            #expect(retried.status == .seeOther)
            #expect(try await fixture.store.detail(ofMessage: dead).message.state == .queued)
            _ = try await act(queued, "hold")
            #expect(try await fixture.store.detail(ofMessage: queued).message.state == .held)
            _ = try await act(queued, "release")
            #expect(try await fixture.store.detail(ofMessage: queued).message.state == .queued)
            let noReason = try await act(queued, "cancel")
            #expect(noReason.status == .badRequest)
            _ = try await act(queued, "cancel", reason: "Gửi nhầm nơi nhận")
            #expect(try await fixture.store.detail(ofMessage: queued).message.state == .cancelled)
            let actions = try await fixture.store.detail(ofMessage: queued).operatorActions
            #expect(actions.map(\.action) == ["hold", "release", "cancel"])
            #expect(actions.allSatisfy { $0.actor == "console:an" })
            #expect(actions.last?.reason == "Gửi nhầm nơi nhận")
            let page = try await browser.get("/console/messages/\(queued)")
            #expect(page.html.contains("Gửi nhầm nơi nhận"))
            #expect(page.html.contains("console:an"))
            // A second cancel is refused by the store, and the page says why.
            let again = try await act(queued, "cancel", reason: "lần nữa")
            #expect(again.location?.contains("skipped=queue.") == true)
            #expect(try await browser.get(try #require(again.location)).html.contains("Không thực hiện được: queue."))
        }
    }

    @Test func theQueueFiltersByStateDestinationSenderTextAndDate() async throws {
        let fixture = try await ConsoleFixture()
        try await fixture.test { browser in
            _ = try await browser.signIn("an")
            func documents(_ query: String) async throws -> Int {
                try await browser.get("/console/queue?\(query)").html.components(separatedBy: "href=\"/console/messages/").count - 1
            }
            #expect(try await documents("") == 3)
            #expect(try await documents("state=dead") == 1)
            #expect(try await documents("destination=000.00.00.G22") == 2)
            #expect(try await documents("sender=000.00.00.H41") == 3)
            #expect(try await documents("sender=000.00.00.X99") == 0)
            #expect(try await documents("q=" + Browser.encode("liên thông")) == 1)
            #expect(try await documents("q=" + Browser.encode("103/UBND-VX")) == 1)
            // A browser's GET form writes a space as `+`.
            #expect(try await documents("q=B%C3%A1o+c%C3%A1o") == 1)
            let page = try await browser.get("/console/queue?state=dead")
            #expect(!page.html.contains("rel=\"next\""))
            #expect(!page.html.contains("rel=\"prev\""))
            let today = ISO8601DateFormatter.string(from: Date(), timeZone: .gmt, formatOptions: [.withFullDate, .withDashSeparatorInDate])
            #expect(try await documents("from=\(today)&to=\(today)") == 3)
            #expect(try await documents("to=2020-01-01") == 0)
            #expect(try await documents("direction=inbound") == 0)
        }
    }

    @Test func theMessagePageKeepsVietnameseAndOffersTheAttachment() async throws {
        let fixture = try await ConsoleFixture()
        let id = try #require(fixture.ids["waiting"])
        try await fixture.test { browser in
            _ = try await browser.signIn("an")
            let page = try await browser.get("/console/messages/\(id)")
            #expect(page.status == .ok)
            #expect(page.html.contains(ConsoleFixture.subject))
            #expect(page.html.contains("UBND Tỉnh Nghệ An"))
            #expect(page.html.contains("Văn phòng Chính phủ"))
            #expect(page.html.contains("Nguyễn Văn Ánh"))
            #expect(page.html.contains("<code>delivery.http_503</code>"))
            #expect(page.html.contains("Công văn số 101.pdf"))
            let attachment = try await browser.get("/console/messages/\(id)/attachments/0")
            #expect(attachment.status == .ok)
            #expect(attachment.html == "Nội dung công văn số 101")
            #expect(attachment.headers[.contentDisposition]?.contains("filename*=UTF-8''C%C3%B4ng") == true)
            let envelope = try await browser.get("/console/messages/\(id)/edxml")
            #expect(envelope.html.contains(ConsoleFixture.subject))
            #expect(try await browser.get("/console/messages/nope").status == .notFound)
        }
    }

    @Test func pagesAreEscapedAndCarryTheirLandmarks() async throws {
        let fixture = try await ConsoleFixture()
        let envelope = try ConsoleFixture.envelope(documentNumber: "104", subject: "<script>alert(1)</script>", in: fixture.directory)
        _ = try await fixture.store.enqueue(OutboundSubmission(documentID: envelope.id, from: "000.00.00.H41", to: ["000.00.00.G22"],
                                                               subject: "<script>alert(1)</script>", envelope: envelope.data))
        try await fixture.test { browser in
            let signIn = try await browser.get("/console/signin")
            #expect(signIn.html.contains("<label for=\"username\">"))
            #expect(signIn.html.contains("<label for=\"password\">"))
            #expect(!signIn.html.contains("role=\"alert\""))
            _ = try await browser.signIn("an")
            let queue = try await browser.get("/console/queue")
            #expect(!queue.html.contains("<script>"))
            #expect(queue.html.contains("&lt;script&gt;"))
            for page in [signIn, queue] {
                #expect(page.html.contains("<h1>"))
                #expect(page.html.contains("<main id=\"main\">"))
                #expect(page.headers[HTTPField.Name("Content-Security-Policy")!]?.contains("default-src 'none'") == true)
            }
        }
    }

    @Test func bothLanguagesLabelTheSameKeys() {
        #expect(ConsoleLanguage.vi.labelKeys == ConsoleLanguage.en.labelKeys)
    }
}
