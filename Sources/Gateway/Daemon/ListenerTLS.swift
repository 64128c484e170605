import Foundation
import NIOSSL

extension GatewayConfiguration.ListenerTLS {
    /// The server TLS settings of a listener: its certificate chain and key, and, with
    /// `client_ca_file`, client certificates required and checked against that CA.
    func serverConfiguration(passphrase: String?, keyPath: String, configurationFile: String) throws(ConfigurationError) -> TLSConfiguration {
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(certificateFile.path).map { NIOSSLCertificateSource.certificate($0) }
            let key: NIOSSLPrivateKey
            if let passphrase {
                key = try NIOSSLPrivateKey(file: keyFile.path, format: .pem) { setter in setter(Array(passphrase.utf8)) }
            } else {
                key = try NIOSSLPrivateKey(file: keyFile.path, format: .pem)
            }
            var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
            configuration.minimumTLSVersion = .tlsv12
            if let clientCAFile {
                configuration.certificateVerification = clientCertificatesOptional ? .optionalVerification : .noHostnameVerification
                configuration.trustRoots = .file(clientCAFile.path)
            }
            return configuration
        } catch {
            throw ConfigurationError(file: configurationFile, line: nil, keyPath: keyPath,
                                     message: "cannot load the TLS certificate \(certificateFile.path) or key \(keyFile.path): \(error)")
        }
    }
}
