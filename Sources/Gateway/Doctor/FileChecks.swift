import Foundation

/// Every file the configuration names exists, is a readable regular file, and looks like what
/// it should hold; private keys are not readable by others; the store directory is usable.
enum FileChecks {
    enum Expected {
        case privateKey, certificate, crl

        var pemLabel: String {
            switch self {
            case .privateKey: "PRIVATE KEY"
            case .certificate: "CERTIFICATE"
            case .crl: "X509 CRL"
            }
        }
    }

    static let files = DoctorCheck("files") { context in
        namedFiles(context.configuration).map { check($0.url, key: $0.key, expected: $0.expected) }
    }

    static let store = DoctorCheck("store") { context in
        let directory = context.configuration.store.directory
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: directory.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                return [.fail("store.directory", "\(directory.path) is a file, not a directory",
                              fix: "point store.directory at a directory")]
            }
            guard manager.isWritableFile(atPath: directory.path) else {
                return [.fail("store.directory", "\(directory.path) is not writable by this user",
                              fix: "chown the directory to the user lienthong runs as")]
            }
            return [.ok("store.directory", "\(directory.path) is a writable directory")]
        }
        let parent = nearestExistingAncestor(of: directory)
        guard manager.isWritableFile(atPath: parent.path) else {
            return [.fail("store.directory", "\(directory.path) does not exist and \(parent.path) is not writable",
                          fix: "create \(directory.path) for the user lienthong runs as")]
        }
        return [.warn("store.directory", "\(directory.path) does not exist yet; lienthong serve creates it (mode 700) at start",
                      fix: "create it now (mkdir -p) if you want to set its owner and mode yourself")]
    }

    static func namedFiles(_ configuration: GatewayConfiguration) -> [(key: String, url: URL, expected: Expected)] {
        var files: [(key: String, url: URL, expected: Expected)] = []
        if let signing = configuration.signing {
            files.append(("signing.key_file", signing.keyFile, .privateKey))
            files.append(("signing.certificate_file", signing.certificateFile, .certificate))
            for (index, url) in signing.chainFiles.enumerated() { files.append(("signing.chain_files[\(index)]", url, .certificate)) }
        }
        for (index, url) in configuration.trust.anchorFiles.enumerated() { files.append(("trust.anchors[\(index)]", url, .certificate)) }
        for (index, url) in configuration.trust.crlFiles.enumerated() { files.append(("trust.crls[\(index)]", url, .crl)) }
        if let bus = configuration.bus {
            if let url = bus.caFile { files.append(("bus.ca_file", url, .certificate)) }
            if let url = bus.clientCertificateFile { files.append(("bus.client_certificate_file", url, .certificate)) }
            if let url = bus.clientKeyFile { files.append(("bus.client_key_file", url, .privateKey)) }
        }
        if let busRole = configuration.busRole {
            if let url = busRole.push.caFile { files.append(("push.ca_file", url, .certificate)) }
            if let url = busRole.push.clientCertificateFile { files.append(("push.client_certificate_file", url, .certificate)) }
            if let url = busRole.push.clientKeyFile { files.append(("push.client_key_file", url, .privateKey)) }
            for (index, agency) in busRole.agencies.enumerated() {
                if let url = agency.certificateFile { files.append(("agencies[\(index)].certificate_file", url, .certificate)) }
            }
        }
        let listeners = [("listeners.unit_api", configuration.listeners.unitAPI),
                         ("listeners.bus_endpoint", configuration.listeners.busEndpoint),
                         ("listeners.bus_api", configuration.listeners.busAPI)]
        for case let (name, listener?) in listeners {
            guard let tls = listener.tls else { continue }
            files.append(("\(name).tls.certificate_file", tls.certificateFile, .certificate))
            files.append(("\(name).tls.key_file", tls.keyFile, .privateKey))
            if let url = tls.clientCAFile { files.append(("\(name).tls.client_ca_file", url, .certificate)) }
        }
        return files
    }

    static func check(_ url: URL, key: String, expected: Expected) -> DoctorFinding {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            return .fail(key, "\(url.path) does not exist", fix: "create the file or correct the path (relative paths start at the configuration file's directory)")
        }
        guard !isDirectory.boolValue else { return .fail(key, "\(url.path) is a directory", fix: "name the file itself") }
        guard let data = manager.contents(atPath: url.path) else {
            return .fail(key, "\(url.path) is not readable by this user", fix: "give the user lienthong runs as read access")
        }
        let text = String(decoding: data.prefix(1 << 20), as: UTF8.self)
        let looksRight = text.contains("-----BEGIN \(expected.pemLabel)-----")
            || (expected == .privateKey && text.range(of: "-----BEGIN [A-Z ]*PRIVATE KEY-----", options: .regularExpression) != nil)
        if !looksRight {
            if text.contains("-----BEGIN ") || data.first != 0x30 {
                return .fail(key, "\(url.path) holds no PEM \(expected.pemLabel)", fix: "this key expects a PEM file with a \(expected.pemLabel) block")
            }
            return .warn(key, "\(url.path) is not PEM (DER?)", fix: "convert it to PEM with openssl")
        }
        if expected == .privateKey, let mode = (try? manager.attributesOfItem(atPath: url.path))?[.posixPermissions] as? Int,
           mode & 0o077 != 0 {
            return .warn(key, "\(url.path) is readable by other users (mode \(String(mode, radix: 8)))",
                         fix: "chmod 600 \(url.path)")
        }
        return .ok(key, "\(url.path) is readable and holds a \(expected.pemLabel)")
    }

    private static func nearestExistingAncestor(of url: URL) -> URL {
        var current = url
        for _ in 0..<64 where !FileManager.default.fileExists(atPath: current.path) {
            current = current.deletingLastPathComponent()
        }
        return current
    }
}
