import Foundation
import LibCrypto
import NIOCore
import NIOSSL
import Relay
import Store

/// Who is calling the bus: the agency registered for the TLS client certificate of the
/// connection (by SHA-256 fingerprint), or for the `systemid` of valid VDXP HMAC headers. When a
/// request carries HMAC headers they must verify, whatever certificate it came with; when both
/// identify an agency, it must be the same one. Only active agencies are authenticated.
struct BusAuthenticator: Sendable {
    let store: SQLiteStore
    let hmac: VDXPRequestVerifier
    let peerDigests = PeerCertificateDigests()

    /// `callHeaders`: the headers this call relies on, which an HMAC signature must cover.
    func authenticate(headers: [String: String], channel: any Channel, callHeaders: [String]) async throws -> Agency {
        var byHMAC: Agency?
        if VDXPRequestVerifier.isSigned(headers) {
            let systemId = try await hmac.verify(headers, requiring: callHeaders) { systemId in
                try await store.agency(systemId: systemId)?.hmacSecret.map { Array($0.utf8) }
            }
            guard let agency = try await store.agency(systemId: systemId) else {
                throw VDXPAuthenticationFailure(.hmacUnknownSystem, "no agency is registered with the systemid \(systemId)")
            }
            guard agency.state == .active else {
                throw BusRefusal("bus.agency_suspended", "the agency \(agency.organId) is suspended")
            }
            byHMAC = agency
        }
        let fingerprint = await peerDigests.fingerprint(of: channel)
        var byCertificate: Agency?
        if let fingerprint, let agency = try await store.agency(certificateSHA256: fingerprint) {
            guard agency.state == .active else {
                throw BusRefusal("bus.agency_suspended", "the agency \(agency.organId) is suspended")
            }
            byCertificate = agency
        }
        switch (byHMAC, byCertificate) {
        case (let signed?, let certified?) where signed.organId != certified.organId:
            throw BusRefusal("bus.auth_conflict", "the HMAC headers are \(signed.organId)'s but the TLS certificate is \(certified.organId)'s")
        case (let agency?, _), (nil, let agency?):
            return agency
        case (nil, nil):
            if let fingerprint {
                throw VDXPAuthenticationFailure(.certificateUnknown, "no active agency is registered with the TLS client certificate \(fingerprint)")
            }
            throw VDXPAuthenticationFailure(.missing, "authenticate with a registered TLS client certificate or the VDXP HMAC headers (systemid)")
        }
    }
}
