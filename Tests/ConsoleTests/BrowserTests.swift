import Foundation
import Spawn
import Store
import Testing
import TestSupport

/// A person's path through the console, in headless Chromium against a real `lienthong serve`:
/// sign in, the overview, a search, a message, a retry. Saves screenshots to .build/screenshots, or
/// to `$LIENTHONG_SCREENSHOTS` (`make screenshots` refreshes the ones in docs/screenshots).
/// Runs when `LIENTHONG_BROWSER_TESTS=1` (`make test-browser`) and Chromium is installed.
@Suite("Console in a browser", .enabled(if: ProcessInfo.processInfo.environment["LIENTHONG_BROWSER_TESTS"] == "1"
                                        && Chromium.executable != nil))
struct BrowserTests {
    @Test func signInOverviewSearchMessageRetry() async throws {
        let directory = try TemporaryDirectory(prefix: "console-browser")
        defer { directory.remove() }
        let storeDirectory = directory.file("store")
        let ids = try await ConsoleFixture.seed(try SQLiteStore(directory: storeDirectory, options: StoreOptions(durability: .normal)),
                                                in: directory)
        let added = try await runCommand(Paths.binary, ["operator", "add", "an", "--store", storeDirectory.path],
                                   stdin: Data((ConsoleFixture.password + "\n").utf8))
        #expect(added.status == 0, "\(added.stderr)")

        // serve loads its signing key at start: a development PKI gives it one.
        let pki = try await runCommand(Paths.binary, ["pki", "dev", "--out", directory.file("pki").path, "--org", "000.00.00.H41"])
        #expect(pki.status == 0, "\(pki.stderr)")
        let port = freeLoopbackPort()
        let config = directory.file("gateway.toml")
        try """
        [gateway]
        organ_ids = ["000.00.00.H41"]
        [signing]
        key_file = "pki/org-000.00.00.H41.key"
        certificate_file = "pki/org-000.00.00.H41.pem"
        [signature]
        policy = "off"
        [bus]
        url = "http://127.0.0.1:9/vdxp"
        [store]
        directory = "store"
        [listeners.unit_api]
        address = "127.0.0.1"
        port = \(port)
        """.write(to: config, atomically: true, encoding: .utf8)
        let serve = try ChildProcess(Paths.binary.path, ["serve", "--config", config.path], stderr: .null)
        defer { serve.stop(timeout: .seconds(30)) }
        let base = "http://127.0.0.1:\(port)"
        try await Self.waitUntilAnswering(URL(string: base + "/healthz")!)

        let browser = try Chromium(executable: try #require(Chromium.executable), profile: directory.file("profile"))
        let shots = ProcessInfo.processInfo.environment["LIENTHONG_SCREENSHOTS"].map { URL(fileURLWithPath: $0) }
            ?? Paths.packageRoot.appendingPathComponent(".build/screenshots")
        try FileManager.default.createDirectory(at: shots, withIntermediateDirectories: true)

        try browser.navigate(base + "/console/signin")
        try browser.evaluate("document.getElementById('username').value = 'an'")
        try browser.evaluate("document.getElementById('password').value = \(Chromium.quoted(ConsoleFixture.password))")
        try browser.screenshot(to: shots.appendingPathComponent("1-sign-in.png"))
        try browser.evaluate("document.querySelector('form[action=\"/console/signin\"]').requestSubmit()")
        try browser.waitFor("location.pathname === '/console/overview'")
        #expect(try browser.evaluate("document.querySelector('h1').textContent") as? String == "Tổng quan")
        try browser.screenshot(to: shots.appendingPathComponent("2-overview.png"))

        try browser.evaluate("document.querySelector('a[href=\"/console/queue\"]').click()")
        try browser.waitFor("location.pathname === '/console/queue'")
        try browser.evaluate("document.querySelector('input[name=q]').value = 'Báo cáo'")
        try browser.evaluate("document.querySelector('form.filters').requestSubmit()")
        try browser.waitFor("location.search.includes('q=')")
        #expect(try browser.evaluate("document.querySelectorAll('tbody tr').length") as? Int == 1)
        try browser.screenshot(to: shots.appendingPathComponent("3-queue-search.png"))

        try browser.evaluate("document.querySelector('tbody a').click()")
        try browser.waitFor("location.pathname.startsWith('/console/messages/')")
        #expect(try browser.evaluate("document.body.innerText.includes('UBND Tỉnh Nghệ An')") as? Bool == true)
        try browser.screenshot(to: shots.appendingPathComponent("4-message.png"))

        try browser.evaluate("document.querySelector('button[value=retry]').click()")
        try browser.waitFor("location.search.includes('done=retry')")
        #expect(try browser.evaluate("document.body.innerText.includes('console:an')") as? Bool == true)
        try browser.screenshot(to: shots.appendingPathComponent("5-after-retry.png"))

        let store = try SQLiteStore(directory: storeDirectory)
        let detail = try await store.detail(ofMessage: try #require(ids["dead"]))
        // Back in the queue by the operator's hand. serve's delivery worker may already have
        // claimed it again since (its bus does not answer), so the history says it, not the state.
        let retried = detail.changes.first { $0.from == .dead }
        #expect(retried?.to == .queued)
        #expect(retried?.actor == "console:an")
        #expect(detail.operatorActions.map(\.actor) == ["console:an"])
    }

    static func waitUntilAnswering(_ url: URL) async throws {
        for _ in 0..<100 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(url.port ?? 80).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            close(fd)
            if connected == 0 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Chromium.Failure(description: "lienthong serve did not listen on \(url)")
    }
}
