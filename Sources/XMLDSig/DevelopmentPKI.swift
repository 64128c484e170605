import Foundation
import LibCrypto

/// A development PKI made with OpenSSL from Swift: a root CA, the bus's certificate, one signing
/// certificate per organisation (carrying its OrganId as a SAN URI `urn:organid:<id>` and as the
/// subject serialNumber), loopback TLS server and client certificates, and a CRL revoking one
/// extra certificate. For demos and tests only: its keys are written unencrypted.
public struct DevelopmentPKI: Sendable {
    public struct Party: Sendable {
        /// The file stem: `root-ca`, `bus`, `org-000.00.00.G22`, `tls-server`, …
        public let name: String
        public let key: PrivateKey
        public let certificate: Certificate
    }

    public let root: Party
    public let bus: Party
    public let organizations: [Party]
    public let tlsServer: Party
    public let tlsClient: Party
    /// One TLS client certificate per organisation, in `organizations` order: each gateway's own
    /// identity towards the bus (which registers its fingerprint).
    public let organizationTLSClients: [Party]
    /// A signing certificate for `revokedOrganId`, listed on the CRL.
    public let revoked: Party
    public let crl: CertificateRevocationList

    public static let defaultOrganIds = ["000.00.00.G22", "000.00.00.H41"]
    public static let busOrganId = "000.00.00.BUS"
    public static let revokedOrganId = "000.00.00.X99"

    public static func generate(organIds: [String] = defaultOrganIds, validFor: TimeInterval = 825 * 86400) throws -> DevelopmentPKI {
        let rootKey = try PrivateKey.generateRSA(bits: 2048)
        var rootBuilder = CertificateBuilder(subject: [("C", "VN"), ("O", "lienthong development"), ("CN", "lienthong dev root CA")],
                                             validFor: validFor * 2)
        rootBuilder.isCertificateAuthority = true
        rootBuilder.keyUsage = ["keyCertSign", "cRLSign"]
        let rootCertificate = try rootBuilder.issue(for: try rootKey.publicKey, issuer: nil, issuerKey: rootKey)
        let root = Party(name: "root-ca", key: rootKey, certificate: rootCertificate)

        func signer(_ name: String, organId: String, commonName: String) throws -> Party {
            let key = try PrivateKey.generateRSA(bits: 2048)
            var builder = CertificateBuilder(subject: [("C", "VN"), ("O", commonName), ("serialNumber", organId), ("CN", commonName)],
                                             validFor: validFor)
            builder.keyUsage = ["digitalSignature", "nonRepudiation"]
            builder.subjectAlternativeNames = ["URI:\(CarriedOrganId.uriPrefix)\(organId)"]
            return Party(name: name, key: key, certificate: try builder.issue(for: try key.publicKey, issuer: rootCertificate, issuerKey: rootKey))
        }
        func tls(_ name: String, usage: String, commonName: String = "localhost") throws -> Party {
            let key = try PrivateKey.generateEC(.ecP256)
            var builder = CertificateBuilder(subject: [("C", "VN"), ("O", "lienthong development"), ("CN", commonName)], validFor: validFor)
            builder.keyUsage = ["digitalSignature", "keyAgreement"]
            builder.extendedKeyUsage = [usage]
            builder.subjectAlternativeNames = ["DNS:localhost", "IP:127.0.0.1"]
            return Party(name: name, key: key, certificate: try builder.issue(for: try key.publicKey, issuer: rootCertificate, issuerKey: rootKey))
        }

        let bus = try signer("bus", organId: busOrganId, commonName: "lienthong dev bus")
        let organizations = try organIds.map { try signer("org-\($0)", organId: $0, commonName: "lienthong dev organisation \($0)") }
        let revoked = try signer("revoked", organId: revokedOrganId, commonName: "lienthong dev revoked signer")
        var crlBuilder = CRLBuilder(validFor: 30 * 86400)
        crlBuilder.revoke(revoked.certificate)
        let crl = try crlBuilder.issue(issuer: rootCertificate, issuerKey: rootKey)
        return DevelopmentPKI(root: root, bus: bus, organizations: organizations,
                              tlsServer: try tls("tls-server", usage: "serverAuth"),
                              tlsClient: try tls("tls-client", usage: "clientAuth"),
                              organizationTLSClients: try organIds.map {
                                  try tls("tls-client-\($0)", usage: "clientAuth", commonName: "lienthong dev gateway \($0)")
                              },
                              revoked: revoked, crl: crl)
    }

    public var parties: [Party] { [root, bus] + organizations + [tlsServer, tlsClient] + organizationTLSClients + [revoked] }

    /// Writes `<name>.pem` (certificate) and `<name>.key` (PKCS#8, mode 0600) for every party,
    /// `crl.pem`, and `trust.pem` (the root, what `verify --trust` takes). Returns the file names.
    @discardableResult
    public func write(to directory: URL) throws -> [String] {
        let files = FileManager.default
        try files.createDirectory(at: directory, withIntermediateDirectories: true)
        var written: [String] = []
        func put(_ name: String, _ text: String, secret: Bool = false) throws {
            let url = directory.appendingPathComponent(name)
            try Data(text.utf8).write(to: url)
            if secret { try files.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path) }
            written.append(name)
        }
        for party in parties {
            try put("\(party.name).pem", party.certificate.pem)
            try put("\(party.name).key", try party.key.pkcs8PEM(), secret: true)
        }
        try put("trust.pem", root.certificate.pem)
        try put("crl.pem", crl.pem)
        return written
    }
}
