import Foundation
import TestSupport

/// A throw-away PKI made with the `openssl` command line: a bus CA, a server certificate for
/// 127.0.0.1 and a client certificate under it, and a second, unrelated CA with its own server
/// certificate (what an impostor would present). EC P-256 keys keep generation quick.
struct TestPKI: Sendable {
    let directory: TemporaryDirectory

    var caCertificate: URL { directory.file("ca.pem") }
    var serverCertificate: URL { directory.file("server.pem") }
    var serverKey: URL { directory.file("server.key") }
    var clientCertificate: URL { directory.file("client.pem") }
    var clientKey: URL { directory.file("client.key") }
    var rogueServerCertificate: URL { directory.file("rogue-server.pem") }
    var rogueServerKey: URL { directory.file("rogue-server.key") }

    static func make() throws -> TestPKI {
        let pki = TestPKI(directory: try TemporaryDirectory(prefix: "relay-pki"))
        try pki.makeCA("ca", subject: "/CN=Test Bus CA")
        try pki.issue("server", by: "ca", subject: "/CN=127.0.0.1", extensions: "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth")
        try pki.issue("client", by: "ca", subject: "/CN=gateway 000.00.00.G22", extensions: "extendedKeyUsage=clientAuth")
        try pki.makeCA("rogue-ca", subject: "/CN=Rogue CA")
        try pki.issue("rogue-server", by: "rogue-ca", subject: "/CN=127.0.0.1", extensions: "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth")
        return pki
    }

    func remove() { directory.remove() }

    /// `sha256//<base64>` of a certificate's public key, as CURLOPT_PINNEDPUBLICKEY takes it.
    func publicKeyPin(of certificate: URL) throws -> String {
        let der = directory.file(UUID().uuidString + ".der")
        try openssl(["x509", "-in", certificate.path, "-pubkey", "-noout", "-out", der.path + ".pem"])
        try openssl(["pkey", "-pubin", "-in", der.path + ".pem", "-outform", "DER", "-out", der.path])
        let hex = try opensslDigestHex(["dgst", "-sha256", der.path])
        return "sha256//" + Data(bytes(fromHex: hex)).base64EncodedString()
    }

    private func makeCA(_ name: String, subject: String) throws {
        try openssl(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", directory.file("\(name).key").path])
        try openssl(["req", "-new", "-x509", "-key", directory.file("\(name).key").path, "-subj", subject, "-days", "2",
                     "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                     "-out", directory.file("\(name).pem").path])
    }

    private func issue(_ name: String, by ca: String, subject: String, extensions: String) throws {
        let key = directory.file("\(name).key").path, csr = directory.file("\(name).csr").path
        let ext = directory.file("\(name).ext")
        try Data(extensions.utf8).write(to: ext)
        try openssl(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key])
        try openssl(["req", "-new", "-key", key, "-subj", subject, "-out", csr])
        try openssl(["x509", "-req", "-in", csr, "-CA", directory.file("\(ca).pem").path, "-CAkey", directory.file("\(ca).key").path,
                     "-CAcreateserial", "-days", "2", "-extfile", ext.path, "-out", directory.file("\(name).pem").path])
    }
}

struct OpenSSLFailed: Error, CustomStringConvertible {
    let description: String
}

/// Runs the `openssl` command line, an implementation independent of the code under test.
@discardableResult
func openssl(_ arguments: [String], stdin: Data? = nil) throws -> String {
    let result = try runCommand(URL(fileURLWithPath: "/usr/bin/openssl"), arguments, stdin: stdin, timeout: 30)
    guard result.status == 0 else {
        throw OpenSSLFailed(description: "openssl \(arguments.joined(separator: " ")) failed: \(result.stderr)")
    }
    return result.stdout
}

/// The hex digest `openssl dgst` prints after `= `.
func opensslDigestHex(_ arguments: [String], stdin: Data? = nil) throws -> String {
    let output = try openssl(arguments, stdin: stdin)
    guard let range = output.range(of: "= ", options: .backwards) else {
        throw OpenSSLFailed(description: "unexpected openssl dgst output: \(output)")
    }
    return output[range.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines)
}

func bytes(fromHex hex: String) -> [UInt8] {
    var out: [UInt8] = []
    var index = hex.startIndex
    while index < hex.endIndex, let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) {
        out.append(UInt8(hex[index..<next], radix: 16) ?? 0)
        index = next
    }
    return out
}
