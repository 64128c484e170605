import ArgumentParser
import Foundation
import LibCrypto
import Store

/// `lienthong agency …`: the bus role's registry of agencies, with the bus running or not. Every
/// change is written to the operator-action log.
struct AgencyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agency",
        abstract: "Register, list, suspend and remove the agencies a bus routes to.",
        subcommands: [AgencyAdd.self, AgencyList.self, AgencyShow.self, AgencySuspend.self, AgencyActivate.self,
                      AgencyRemove.self]
    )
}

struct AgencyAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add",
        abstract: "Register an agency (creates the store if there is none yet).",
        discussion: "Give at least one credential: its TLS client certificate (--certificate or --certificate-sha256) or a VDXP systemid with its HMAC secret (--secret-env or --secret-file; never on the command line). Without --push-endpoint the agency polls.")
    @OptionGroup var store: StoreLocationOptions
    @OptionGroup var operatorOptions: OperatorOptions
    @Argument(help: "The agency's OrganId.") var organId: String
    @Option(help: "Its name.") var name: String
    @Option(help: "The OrganId of the organisation above it.") var parent: String?
    @Option(help: ArgumentHelp("Its TLS client certificate (PEM); the registry keeps its SHA-256.", valueName: "FILE"))
    var certificate: String?
    @Option(name: .customLong("certificate-sha256"), help: "The SHA-256 fingerprint of its TLS client certificate (64 hex digits).")
    var certificateSHA256: String?
    @Option(help: "Its VDXP systemid (HMAC headers).") var systemid: String?
    @Option(name: .customLong("secret-env"), help: ArgumentHelp("The environment variable holding its HMAC secret.", valueName: "NAME"))
    var secretEnv: String?
    @Option(name: .customLong("secret-file"), help: ArgumentHelp("A file holding its HMAC secret.", valueName: "FILE"))
    var secretFile: String?
    @Option(name: .customLong("push-endpoint"), help: ArgumentHelp("Push documents to <URL>/bus/v1/edoc (else the agency polls).", valueName: "URL"))
    var pushEndpoint: String?
    @Flag(help: "Update the agency if it is already registered.") var replace = false
    @Option(help: "Why, for the operator-action log.") var reason: String?
    @Flag(help: "Print JSON for scripts.") var json = false

    func run() async throws {
        let agency = Agency(organId: organId, name: name, parent: parent, certificateSHA256: try fingerprint(),
                            systemId: systemid, hmacSecret: try secret(), pushEndpoint: try endpoint())
        guard agency.certificateSHA256 != nil || agency.systemId != nil else {
            throw ValidationError("give a credential: --certificate, --certificate-sha256, or --systemid with --secret-env/--secret-file")
        }
        let store = try openOrCreate()
        let change = try await storeCall {
            try await store.saveAgency(agency, actor: operatorOptions.name, replacing: replace, reason: reason)
        }
        let saved = try await storeCall { try await store.agency(organId: organId) } ?? agency
        if json { try JSONOutput.print(saved) } else { print("\(change.rawValue) \(saved.organId): \(saved.summaryLine)") }
    }

    private func openOrCreate() throws -> SQLiteStore {
        do {
            return try SQLiteStore(directory: try store.resolve())
        } catch let error as StoreError {
            throw CommandFailure.unavailable(error.reasonCode, error.explanation)
        }
    }

    private func fingerprint() throws -> String? {
        switch (certificate, certificateSHA256) {
        case (nil, nil): return nil
        case (let file?, nil):
            guard let pem = FileManager.default.contents(atPath: file) else {
                throw CommandFailure.refused("agency.certificate_unreadable", "cannot read \(file)")
            }
            do { return try Certificate(pem: Array(pem)).fingerprintHex } catch {
                throw CommandFailure.refused("agency.certificate_invalid", "\(file) does not hold a PEM certificate: \(error)")
            }
        case (nil, let hex?):
            let normalized = hex.lowercased().replacingOccurrences(of: ":", with: "")
            guard normalized.count == 64, normalized.allSatisfy(\.isHexDigit) else {
                throw ValidationError("--certificate-sha256 must be 64 hex digits")
            }
            return normalized
        case (_?, _?): throw ValidationError("give --certificate or --certificate-sha256, not both")
        }
    }

    private func secret() throws -> String? {
        let text: String?
        switch (secretEnv, secretFile) {
        case (nil, nil): text = nil
        case (let name?, nil): text = ProcessInfo.processInfo.environment[name]
        case (nil, let file?): text = FileManager.default.contents(atPath: file).map { String(decoding: $0, as: UTF8.self) }
        case (_?, _?): throw ValidationError("give --secret-env or --secret-file, not both")
        }
        var secret = text
        while secret?.hasSuffix("\n") == true || secret?.hasSuffix("\r") == true { secret?.removeLast() }
        if (secretEnv != nil || secretFile != nil), secret?.isEmpty != false {
            throw CommandFailure.refused("agency.secret_unresolved", "the HMAC secret named by --secret-env/--secret-file is missing or empty")
        }
        if (secret == nil) != (systemid == nil) {
            throw ValidationError("--systemid and --secret-env/--secret-file go together")
        }
        return secret
    }

    private func endpoint() throws -> String? {
        guard let pushEndpoint else { return nil }
        guard let url = URLComponents(string: pushEndpoint), ["http", "https"].contains(url.scheme?.lowercased() ?? ""),
              url.host?.isEmpty == false else {
            throw ValidationError("--push-endpoint must be an http(s) URL with a host")
        }
        return pushEndpoint
    }
}

struct AgencyList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ls", abstract: "List the registered agencies.")
    @OptionGroup var store: StoreLocationOptions
    @Flag(help: "Print JSON for scripts.") var json = false

    func run() async throws {
        let store = try self.store.open()
        let agencies = try await storeCall { try await store.agencies() }
        if json { try JSONOutput.print(agencies); return }
        if agencies.isEmpty { print("no agencies registered"); return }
        print("ORGANID".padding(toLength: 16, withPad: " ", startingAt: 0) + "STATE      MODE  CREDENTIALS        NAME")
        for agency in agencies {
            let credentials = [agency.certificateSHA256 == nil ? nil : "cert", agency.systemId.map { "hmac:\($0)" }]
                .compactMap { $0 }.joined(separator: ",")
            print(agency.organId.padding(toLength: 16, withPad: " ", startingAt: 0)
                  + agency.state.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0)
                  + agency.deliveryMode.padding(toLength: 6, withPad: " ", startingAt: 0)
                  + credentials.padding(toLength: 19, withPad: " ", startingAt: 0) + agency.name)
        }
    }
}

struct AgencyShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show",
        abstract: "Show one agency and the operator actions about it.")
    @OptionGroup var store: StoreLocationOptions
    @Argument(help: "The agency's OrganId.") var organId: String
    @Flag(help: "Print JSON for scripts.") var json = false

    struct Shown: Encodable {
        let agency: Agency
        let actions: [OperatorAction]
    }

    func run() async throws {
        let store = try self.store.open()
        guard let agency = try await storeCall({ try await store.agency(organId: organId) }) else {
            throw CommandFailure.refused("agency.not_found", "no agency with the OrganId \(organId) is registered")
        }
        let actions = try await storeCall { try await store.agencyActions() }.filter { $0.result.contains(organId) }
        if json { try JSONOutput.print(Shown(agency: agency, actions: actions)); return }
        print("""
            OrganId      \(agency.organId)
            name         \(agency.name)
            parent       \(agency.parent ?? "-")
            state        \(agency.state.rawValue)
            delivery     \(agency.deliveryMode)\(agency.pushEndpoint.map { " to \($0)/bus/v1/edoc" } ?? " (it polls)")
            certificate  \(agency.certificateSHA256 ?? "-")
            systemid     \(agency.systemId ?? "-")\(agency.hmacSecret == nil ? "" : " (HMAC secret registered)")
            """)
        for action in actions {
            print("  \(ISO8601DateFormatter().string(from: action.at))  \(action.action)  by \(action.actor)  \(action.result)\(action.reason.map { " (\($0))" } ?? "")")
        }
    }
}

/// The arguments `suspend`, `activate` and `rm` share.
struct AgencyChangeArguments: ParsableArguments {
    @OptionGroup var store: StoreLocationOptions
    @OptionGroup var operatorOptions: OperatorOptions
    @Argument(help: "The agency's OrganId.") var organId: String
    @Option(help: "Why, for the operator-action log.") var reason: String?
}

struct AgencySuspend: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "suspend",
        abstract: "Stop an agency from calling the bus and from being sent to (its messages wait).")
    @OptionGroup var change: AgencyChangeArguments

    func run() async throws {
        let store = try change.store.open()
        try await storeCall {
            try await store.setAgencyState(change.organId, to: .suspended, actor: change.operatorOptions.name, reason: change.reason)
        }
        print("suspended \(change.organId)")
    }
}

struct AgencyActivate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "activate", abstract: "Make a suspended agency active again.")
    @OptionGroup var change: AgencyChangeArguments

    func run() async throws {
        let store = try change.store.open()
        try await storeCall {
            try await store.setAgencyState(change.organId, to: .active, actor: change.operatorOptions.name, reason: change.reason)
        }
        print("activated \(change.organId)")
    }
}

struct AgencyRemove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rm",
        abstract: "Remove an agency from the registry (messages still queued for it then fail).")
    @OptionGroup var change: AgencyChangeArguments

    func run() async throws {
        let store = try change.store.open()
        try await storeCall { try await store.removeAgency(change.organId, actor: change.operatorOptions.name, reason: change.reason) }
        print("removed \(change.organId)")
    }
}

extension Agency {
    var summaryLine: String {
        var parts = [name, state.rawValue, deliveryMode + (pushEndpoint.map { " to \($0)" } ?? "")]
        if let certificateSHA256 { parts.append("certificate \(certificateSHA256.prefix(16))…") }
        if let systemId { parts.append("systemid \(systemId)") }
        return parts.joined(separator: ", ")
    }
}
