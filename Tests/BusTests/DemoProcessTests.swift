import Foundation
import Gateway
import Relay
import Spawn
import Testing
import TestSupport

/// `lienthong demo` as a newcomer runs it: one process, a bus and two gateways on loopback.
@Suite("demo: the whole network in one process")
struct DemoProcessTests {
    struct Ready: Decodable {
        struct Gateway: Decodable {
            let organId: String
            let api: String
            let token: String
        }
        let bus: String
        let gateways: [Gateway]
    }

    /// The demo running with its output in files; `ready` waits (bounded) for its ready line.
    final class Demo: Sendable {
        let child: ChildProcess
        let output: URL
        let errors: URL

        init(data: URL, portBase: Int) throws {
            let run = UUID().uuidString
            output = data.appendingPathExtension("stdout-\(run)")
            errors = data.appendingPathExtension("stderr-\(run)")
            child = try ChildProcess(Paths.binary.path, ["demo", "--data", data.path, "--port-base", "\(portBase)", "--log-level", "error"],
                                     stdout: .file(output.path, append: false), stderr: .file(errors.path, append: false))
        }

        func ready() async throws -> Ready {
            for _ in 0..<600 {
                let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
                if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("ready ") }) {
                    return try JSONDecoder().decode(Ready.self, from: Data(line.dropFirst(6).utf8))
                }
                if let ended = child.exit {
                    let said = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
                    throw BusTestFailure("the demo ended (\(ended)) before ready: \(said.suffix(600))")
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            throw BusTestFailure("the demo printed no ready line within 60 s")
        }

        /// A demo on a block of free ports, and that block's first port: started again on another
        /// block when a port of it was taken meanwhile (the demo then exits 69 before its ready line).
        static func started(data: URL) async throws -> (Demo, Ready, portBase: Int) {
            try await LoopbackPorts.onFreeBlock(count: 20, retryingWhen: { ($0 as? PortTaken) != nil }) { portBase in
                let demo = try Demo(data: data, portBase: portBase)
                do {
                    return (demo, try await demo.ready(), portBase)
                } catch where demo.child.exit?.code == 69 {
                    throw PortTaken()
                }
            }
        }

        struct PortTaken: Error {}

        /// Everything the demo printed once its guide is complete (bounded: 30 s).
        func guide() async throws -> String {
            for _ in 0..<300 {
                let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
                if text.contains("Stop with Ctrl-C") { return text }
                try await Task.sleep(for: .milliseconds(100))
            }
            throw BusTestFailure("the demo printed no guide within 30 s")
        }

        /// SIGTERM, then the exit status (nil when it had to be killed after 40 s).
        func terminate() async -> Int32? {
            await child.stop(timeout: .seconds(40))?.code
        }

        deinit { child.kill() }
    }

    static func call(_ method: String, _ url: String, token: String, json: String? = nil) async throws -> (Int, Any?) {
        let transport = try CurlHTTPTransport(configuration: TransportConfiguration())
        var headers = [HTTPField("Authorization", "Bearer \(token)")]
        if json != nil { headers.append(HTTPField("Content-Type", "application/json")) }
        let response = try await transport.send(HTTPRequest(method: method, url: url, headers: headers,
                                                            body: json.map { .bytes(Array($0.utf8)) } ?? .none))
        return (response.status, try? JSONSerialization.jsonObject(with: Data(response.body)))
    }

    struct InboxItem: Sendable {
        let from: String?
        let verdict: String?
    }

    static func inbox(of gateway: Ready.Gateway) async throws -> [InboxItem] {
        let (_, body) = try await call("GET", "\(gateway.api)/v1/inbox", token: gateway.token)
        let items = (body as? [String: Any])?["items"] as? [[String: Any]] ?? []
        return items.map { InboxItem(from: $0["from"] as? String, verdict: $0["verdict"] as? String) }
    }

    @Test("ready line, a document from A reaches B through the bus, SIGTERM exits 0, a restart keeps the data")
    func demoRunsStopsAndResumes() async throws {
        let directory = try TemporaryDirectory(prefix: "lienthong-demo")
        defer { directory.remove() }
        let data = directory.file("data")

        let (demo, ready, portBase) = try await Demo.started(data: data)
        #expect(ready.bus == "https://127.0.0.1:\(portBase)/vdxp")
        #expect(ready.gateways.count == 2)
        let (a, b) = (ready.gateways[0], ready.gateways[1])
        let document = """
            {"from": {"organId": "\(a.organId)", "organName": "A"}, "to": [{"organId": "\(b.organId)", "organName": "B"}],
             "code": {"number": "7", "notation": "DEMO-TEST"}, "promulgation": {"place": "Hà Nội", "date": "2026/11/25"},
             "type": {"type": 1, "name": "Công văn"}, "subject": "Demo test", "content": "Nội dung."}
            """
        let (status, answer) = try await Self.call("POST", "\(a.api)/v1/documents", token: a.token, json: document)
        #expect(status == 202, "\(answer ?? "")")
        let items = try await eventually(attempts: 300, { try await Self.inbox(of: b) }, until: { !$0.isEmpty })
        #expect(items.count == 1)
        #expect(items.first?.from == a.organId)
        #expect(items.first?.verdict == "valid", "B verified A's signature after the bus's hop")
        #expect(await demo.terminate() == 0, "the demo stops cleanly on SIGTERM")

        let again = try Demo(data: data, portBase: portBase)
        let resumed = try await again.ready()
        #expect(resumed.gateways.map(\.token) == ready.gateways.map(\.token), "a restart reuses the data directory")
        #expect(try await Self.inbox(of: resumed.gateways[1]).count == 1, "B's inbox survived the restart")

        // A second demo on the same ports says which one is taken and exits before opening anything.
        let second = try await runCommand(Paths.binary, ["demo", "--data", directory.file("other").path, "--port-base", "\(portBase)"], timeout: 30)
        #expect(second.status == 69)
        #expect(second.stderr.hasPrefix("error: demo.port_in_use: port \(portBase) on 127.0.0.1 (the bus's VDXP API) is taken"), "\(second.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.file("other").appendingPathComponent("pki").path))
        #expect(await again.terminate() == 0)
    }

    /// Runs one command of the guide with `sh`, as a newcomer pastes it, `ID` replaced by `id`;
    /// the HTTP status (curl's `-w`) and the parsed JSON answer.
    static func run(guideCommand command: String, id: String? = nil) async throws -> (Int, [String: Any]) {
        let line = (id.map { command.replacingOccurrences(of: "/ID", with: "/\($0)") } ?? command) + " -w '\\n%{http_code}'"
        let result = try await runCommand(URL(fileURLWithPath: "/bin/sh"), ["-c", line], timeout: 30)
        #expect(result.status == 0, "\(line): \(result.stderr)")
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let status = Int(lines.last ?? "") ?? 0
        let body = lines.dropLast().joined(separator: "\n")
        return (status, (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:])
    }

    /// The guide's commands, in the order it gives them: each from `curl -s` to the end of its
    /// line, continued while the line ends with `\` or leaves a single quote open.
    static func commands(of guide: String) -> [String] {
        var commands: [String] = []
        var current: String?
        for line in guide.split(separator: "\n", omittingEmptySubsequences: false) {
            if let started = current {
                current = started + "\n" + line
            } else if let start = line.range(of: "curl -s ") {
                current = String(line[start.lowerBound...])
            }
            if let command = current, !command.hasSuffix("\\"), command.filter({ $0 == "'" }).count % 2 == 0 {
                commands.append(command)
                current = nil
            }
        }
        return commands
    }

    @Test("the guide's commands, run as printed, take a document from A to B and B's 03 back to A")
    func theGuideWorksAsPrinted() async throws {
        let directory = try TemporaryDirectory(prefix: "lienthong-demo-guide")
        defer { directory.remove() }
        let (demo, _, _) = try await Demo.started(data: directory.file("data"))
        let commands = Self.commands(of: try await demo.guide())
        try #require(commands.count == 5, "send, follow, inbox, acknowledge, status: \(commands)")
        let guide = (send: commands[0], follow: commands[1], inbox: commands[2], ack: commands[3], status: commands[4])

        let (sent, receipt) = try await Self.run(guideCommand: guide.send)
        #expect(sent == 202, "\(receipt)")
        let id = try #require(receipt["id"] as? String, "\(receipt)")
        let (followed, document) = try await Self.run(guideCommand: guide.follow, id: id)
        #expect(followed == 200)
        #expect(document["id"] as? String == id)

        let inboxIds = try await eventually(attempts: 300, {
            (try await Self.run(guideCommand: guide.inbox).1["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        }, until: { !$0.isEmpty })
        let inboxId = try #require(inboxIds.first)
        let (acknowledged, _) = try await Self.run(guideCommand: guide.ack, id: inboxId)
        #expect((200..<300).contains(acknowledged))
        let (accepted, answer) = try await Self.run(guideCommand: guide.status, id: inboxId)
        #expect(accepted == 202, "\(answer)")

        let statuses = try await eventually(attempts: 300, {
            (try await Self.run(guideCommand: guide.follow, id: id).1["statuses"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        }, until: { $0.contains("03") })
        #expect(statuses.contains("03"), "A's document shows B's acceptance: \(statuses)")
        #expect(await demo.terminate() == 0)
    }
}
