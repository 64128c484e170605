import Foundation
import Spawn

/// Headless Chromium driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`:
/// commands on the child's fd 3, answers on its fd 4, each JSON message ended by a NUL byte), so
/// the test needs no WebSocket client and no driver package.
final class Chromium {
    static var executable: String? {
        let candidates = [ProcessInfo.processInfo.environment["CHROMIUM"], "/usr/bin/chromium", "/usr/bin/chromium-browser"]
        return candidates.compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    private let browser: ChildProcess
    private let toBrowser: Int32
    private let fromBrowser: Int32
    private var buffer = [UInt8]()
    private var nextID = 0
    private var sessionID: String?

    struct Failure: Error, CustomStringConvertible { let description: String }

    init(executable: String, profile: URL, width: Int = 1366, height: Int = 900) throws {
        var commands: [Int32] = [0, 0], answers: [Int32] = [0, 0]
        guard pipe(&commands) == 0, pipe(&answers) == 0 else { throw Failure(description: "pipe failed") }
        let arguments = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                         "--disable-extensions", "--remote-debugging-pipe", "--hide-scrollbars",
                         "--window-size=\(width),\(height)", "--user-data-dir=\(profile.path)", "about:blank"]
        do {
            // Its own temporary files (a singleton socket folder) go beside the profile, so they
            // leave with the test's directory instead of staying in /tmp.
            var environment = ProcessInfo.processInfo.environment
            environment["TMPDIR"] = profile.deletingLastPathComponent().path
            browser = try ChildProcess(executable, arguments, environment: environment, stdout: .null, stderr: .null,
                                       descriptors: [3: commands[0], 4: answers[1]])
        } catch {
            [commands[0], commands[1], answers[0], answers[1]].forEach { close($0) }
            throw Failure(description: "\(error)")
        }
        close(commands[0]); close(answers[1])
        toBrowser = commands[1]
        fromBrowser = answers[0]
        let target = try call("Target.createTarget", ["url": "about:blank"], session: false)
        let attached = try call("Target.attachToTarget", ["targetId": target["targetId"] as? String ?? "", "flatten": true], session: false)
        sessionID = attached["sessionId"] as? String
        _ = try call("Page.enable")
        _ = try call("Emulation.setDeviceMetricsOverride", ["width": width, "height": height, "deviceScaleFactor": 1, "mobile": false])
    }

    deinit {
        close(toBrowser); close(fromBrowser)
        browser.stop(timeout: .seconds(20))
    }

    @discardableResult
    func call(_ method: String, _ parameters: [String: Any] = [:], session: Bool = true) throws -> [String: Any] {
        nextID += 1
        var message: [String: Any] = ["id": nextID, "method": method, "params": parameters]
        if session, let sessionID { message["sessionId"] = sessionID }
        var bytes = [UInt8](try JSONSerialization.data(withJSONObject: message))
        bytes.append(0)
        guard bytes.withUnsafeBytes({ write(toBrowser, $0.baseAddress, $0.count) }) == bytes.count else {
            throw Failure(description: "cannot write to Chromium")
        }
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let answer = try readMessage(until: deadline)
            guard answer["id"] as? Int == nextID else { continue }
            if let error = answer["error"] { throw Failure(description: "\(method): \(error)") }
            return answer["result"] as? [String: Any] ?? [:]
        }
        throw Failure(description: "\(method): no answer within 20 s")
    }

    private func readMessage(until deadline: Date) throws -> [String: Any] {
        while true {
            if let end = buffer.firstIndex(of: 0) {
                let message = Array(buffer[..<end])
                buffer.removeSubrange(...end)
                return try JSONSerialization.jsonObject(with: Data(message)) as? [String: Any] ?? [:]
            }
            var descriptor = pollfd(fd: fromBrowser, events: Int16(POLLIN), revents: 0)
            let wait = Int32(max(0, deadline.timeIntervalSinceNow) * 1000)
            guard poll(&descriptor, 1, wait) > 0 else { throw Failure(description: "Chromium did not answer in time") }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = read(fromBrowser, &chunk, chunk.count)
            guard count > 0 else { throw Failure(description: "Chromium closed the pipe") }
            buffer += chunk[..<count]
        }
    }

    @discardableResult
    func evaluate(_ expression: String) throws -> Any? {
        let result = try call("Runtime.evaluate", ["expression": expression, "returnByValue": true])
        return (result["result"] as? [String: Any])?["value"]
    }

    /// Polls `expression` until it is true, at most `seconds`.
    func waitFor(_ expression: String, seconds: Double = 10) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try evaluate("document.readyState === 'complete' && (\(expression))") as? Bool == true { return }
            usleep(100_000)
        }
        throw Failure(description: "timed out waiting for \(expression)")
    }

    func navigate(_ url: String) throws {
        try call("Page.navigate", ["url": url])
        try waitFor("location.href === \(Self.quoted(url))")
    }

    func screenshot(to file: URL) throws {
        let result = try call("Page.captureScreenshot", ["format": "png"])
        guard let base64 = result["data"] as? String, let data = Data(base64Encoded: base64) else {
            throw Failure(description: "no screenshot data")
        }
        try data.write(to: file)
    }

    static func quoted(_ text: String) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: [text]), as: UTF8.self).dropFirst().dropLast().description
    }
}
