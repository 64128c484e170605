import Foundation
import TestSupport

/// A throw-away PKI made with the `openssl` command line: a CA, a server certificate for
/// 127.0.0.1/localhost and a client certificate, all EC P-256, valid for 90 days (doctor warns under 30).
struct TestPKI {
    let directory: URL
    var caCertificate: URL { directory.appendingPathComponent("ca.crt") }
    var serverCertificate: URL { directory.appendingPathComponent("server.crt") }
    var serverKey: URL { directory.appendingPathComponent("server.key") }
    var clientCertificate: URL { directory.appendingPathComponent("client.crt") }
    var clientKey: URL { directory.appendingPathComponent("client.key") }

    struct OpenSSLFailed: Error, CustomStringConvertible {
        let description: String
    }

    static func make(in directory: URL) throws -> TestPKI {
        let pki = TestPKI(directory: directory)
        try pki.openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                         "-keyout", "ca.key", "-out", "ca.crt", "-days", "90", "-subj", "/CN=lienthong test CA"])
        try pki.issue(name: "server", subject: "/CN=localhost",
                      extensions: "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n")
        try pki.issue(name: "client", subject: "/CN=test bus client", extensions: "extendedKeyUsage=clientAuth\n")
        return pki
    }

    /// A self-signed signing identity at `pki/gateway.key` and `pki/gateway.crt` under
    /// `directory`, where `ConfigurationText`'s default `[signing]` looks for it.
    static func makeSigningIdentity(under directory: URL) throws {
        let pki = TestPKI(directory: directory.appendingPathComponent("pki"))
        try FileManager.default.createDirectory(at: pki.directory, withIntermediateDirectories: true)
        try pki.openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                         "-keyout", "gateway.key", "-out", "gateway.crt", "-days", "90", "-subj", "/CN=test gateway"])
    }

    private func issue(name: String, subject: String, extensions: String) throws {
        try Data(extensions.utf8).write(to: directory.appendingPathComponent("\(name).ext"))
        try openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                     "-keyout", "\(name).key", "-out", "\(name).csr", "-subj", subject])
        try openssl(["x509", "-req", "-in", "\(name).csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                     "-out", "\(name).crt", "-days", "90", "-extfile", "\(name).ext"])
    }

    private func openssl(_ arguments: [String]) throws {
        let result = try runCommand(URL(fileURLWithPath: "/usr/bin/env"), ["sh", "-c", "cd \"$0\" && exec openssl \"$@\"", directory.path] + arguments,
                                    timeout: 30)
        guard result.status == 0 else { throw OpenSSLFailed(description: "openssl \(arguments.joined(separator: " ")): \(result.stderr)") }
    }
}
