import ArgumentParser
import Foundation
import Gateway

/// `lienthong doctor --config FILE`: checks the configuration and what it points at, one line per
/// finding (`ok`, `warn`, `fail` and what to fix). Exits 0 when nothing failed, 69 when only the
/// bus could not be reached, 65 otherwise.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check a gateway configuration and everything it names, line by line.")

    @Option(name: .long, help: "The TOML configuration file to check.")
    var config: String

    @Option(name: .long, help: "Seconds a network check may wait.")
    var timeout: Int = 3

    @Flag(name: .long, help: "Print the findings as a JSON array.")
    var json = false

    func validate() throws {
        guard (1...120).contains(timeout) else { throw ValidationError("--timeout must be from 1 to 120 seconds") }
    }

    func run() async throws {
        let configuration = try GatewayConfiguration.load(contentsOf: URL(fileURLWithPath: config))
        let findings = await Doctor().run(DoctorContext(configuration: configuration, networkTimeout: .seconds(timeout)))
        if json {
            try JSONOutput.print(findings)
        } else {
            for finding in findings { print(finding.line) }
            let failures = findings.filter { $0.status == .fail }.count
            let warnings = findings.filter { $0.status == .warn }.count
            print("\(failures) failed, \(warnings) warnings, \(findings.count - failures - warnings) ok")
        }
        let failures = findings.filter { $0.status == .fail }
        guard !failures.isEmpty else { return }
        let message = "\(failures.count) \(failures.count == 1 ? "check" : "checks") failed: \(failures.map(\.subject).joined(separator: ", "))"
        // Only the bus out of reach: the configuration may be right (69); anything else is 65.
        if failures.allSatisfy({ $0.serviceUnavailable == true }) {
            throw CommandFailure.unavailable("doctor.failed", message)
        }
        throw CommandFailure.refused("doctor.failed", message)
    }
}
