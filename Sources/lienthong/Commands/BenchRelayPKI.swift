import Foundation
import Spawn

/// A throw-away PKI for `bench relay`, made with the `openssl` command line: a bus CA, a server
/// certificate for 127.0.0.1 and a client certificate (EC P-256).
struct BenchRelayPKI {
    let directory: URL

    var ca: URL { directory.appendingPathComponent("ca.pem") }
    var serverCertificate: URL { directory.appendingPathComponent("server.pem") }
    var serverKey: URL { directory.appendingPathComponent("server.key") }
    var clientCertificate: URL { directory.appendingPathComponent("client.pem") }
    var clientKey: URL { directory.appendingPathComponent("client.key") }

    static func make() throws -> BenchRelayPKI {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-bench-relay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let pki = BenchRelayPKI(directory: directory)
        let path = { (name: String) in directory.appendingPathComponent(name).path }
        try run(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", path("ca.key")])
        try run(["req", "-new", "-x509", "-key", path("ca.key"), "-subj", "/CN=Bench Bus CA", "-days", "1",
                 "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign", "-out", path("ca.pem")])
        for (name, subject, ext) in [("server", "/CN=127.0.0.1", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth"),
                                     ("client", "/CN=bench gateway", "extendedKeyUsage=clientAuth")] {
            try Data(ext.utf8).write(to: URL(fileURLWithPath: path("\(name).ext")))
            try run(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", path("\(name).key")])
            try run(["req", "-new", "-key", path("\(name).key"), "-subj", subject, "-out", path("\(name).csr")])
            try run(["x509", "-req", "-in", path("\(name).csr"), "-CA", path("ca.pem"), "-CAkey", path("ca.key"),
                     "-CAcreateserial", "-days", "1", "-extfile", path("\(name).ext"), "-out", path("\(name).pem")])
        }
        return pki
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    private static func run(_ arguments: [String]) throws {
        let process = try ChildProcess("/usr/bin/openssl", arguments, stdout: .null, stderr: .null)
        guard process.waitUntilExit() == .exited(0) else {
            throw CommandFailure.unavailable("bench.openssl_failed", "openssl \(arguments.first ?? "") failed; is the openssl command installed?")
        }
    }
}
