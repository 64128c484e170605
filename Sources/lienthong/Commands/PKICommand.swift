import ArgumentParser
import Foundation
import XMLDSig

/// `lienthong pki …`: certificates for development and tests.
struct PKICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pki",
        abstract: "Make and inspect development certificates.",
        subcommands: [PKIDevCommand.self]
    )
}

/// `lienthong pki dev --out DIR [--org ORGANID]…`: a whole development PKI, made in-process with OpenSSL.
struct PKIDevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev",
        abstract: "Make a development PKI: root CA, bus, one signer per OrganId, loopback TLS certificates, a CRL.",
        discussion: "Never use these keys for real traffic: they are written unencrypted. See certs/README.md."
    )

    @Option(help: ArgumentHelp("Directory to write into (created if missing).", valueName: "DIR"))
    var out: String

    @Option(help: ArgumentHelp("An OrganId to make a signing certificate for; repeat. Default: \(DevelopmentPKI.defaultOrganIds.joined(separator: ", ")).", valueName: "ORGANID"))
    var org: [String] = []

    @Flag(help: "Overwrite an existing PKI in DIR.")
    var force = false

    func run() async throws {
        let directory = URL(fileURLWithPath: out)
        if !force, FileManager.default.fileExists(atPath: directory.appendingPathComponent("root-ca.key").path) {
            throw CommandFailure(reasonCode: "pki.exists", message: "\(out) already holds a PKI (root-ca.key); pass --force to replace it", exitCode: .usage)
        }
        for id in org where id.isEmpty || id.contains(where: { $0 == "/" || $0.isWhitespace }) {
            throw ValidationError("--org \(id): an OrganId may not be empty or contain '/' or spaces")
        }
        let pki: DevelopmentPKI
        do {
            pki = try DevelopmentPKI.generate(organIds: org.isEmpty ? DevelopmentPKI.defaultOrganIds : org)
        } catch {
            throw CommandFailure.internalError("pki.generation_failed", "the development PKI could not be made: \(error)")
        }
        let files: [String]
        do {
            files = try pki.write(to: directory)
        } catch {
            throw CommandFailure(reasonCode: "io.unwritable", message: "cannot write the PKI to \(out): \(error.localizedDescription)",
                                 exitCode: .unavailable)
        }
        print("wrote \(files.count) files to \(out): trust.pem, crl.pem, " + pki.parties.map(\.name).joined(separator: ", ") + " (.pem certificate, .key private key)")
        print("revoked on crl.pem: \(pki.revoked.name).pem (serial \(pki.revoked.certificate.serialHex))")
    }
}
