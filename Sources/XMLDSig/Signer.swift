import LibCrypto

/// Who signed: what the verdict names, read from the signer's certificate.
public struct Signer: Sendable, Equatable {
    public let subject: String
    public let serialHex: String
    public let issuer: String
    public let fingerprintHex: String
    /// Every OrganId the certificate carries, with where it was found, in the order of trust
    /// described in docs/signature.md: SAN URIs `urn:organid:<id>`, then subject serialNumber,
    /// then subject OU values.
    public let organIds: [CarriedOrganId]

    /// The OrganId the certificate speaks for first (nil for a certificate that carries none).
    public var organId: String? { organIds.first?.id }

    public init(_ certificate: Certificate) {
        subject = certificate.subject.rfc2253
        serialHex = certificate.serialHex
        issuer = certificate.issuer.rfc2253
        fingerprintHex = certificate.fingerprintHex
        organIds = CarriedOrganId.all(in: certificate)
    }
}

/// An OrganId found in a certificate, and the field that carried it.
public struct CarriedOrganId: Sendable, Equatable {
    public enum Source: String, Sendable {
        case subjectAlternativeNameURI = "SAN URI urn:organid"
        case subjectSerialNumber = "subject serialNumber"
        case subjectOrganizationalUnit = "subject OU"
    }

    public let id: String
    public let source: Source

    public static let uriPrefix = "urn:organid:"

    static func all(in certificate: Certificate) -> [CarriedOrganId] {
        var found: [CarriedOrganId] = []
        for uri in certificate.subjectAlternativeURIs where uri.lowercased().hasPrefix(uriPrefix) {
            let id = String(uri.dropFirst(uriPrefix.count))
            if !id.isEmpty { found.append(CarriedOrganId(id: id, source: .subjectAlternativeNameURI)) }
        }
        if let serial = certificate.subject.serialNumber?.trimmingWhitespace.nilIfEmpty {
            found.append(CarriedOrganId(id: serial, source: .subjectSerialNumber))
        }
        for unit in certificate.subject.organizationalUnits {
            if let id = unit.trimmingWhitespace.nilIfEmpty { found.append(CarriedOrganId(id: id, source: .subjectOrganizationalUnit)) }
        }
        return found
    }
}
