import Foundation
import LibCrypto
@testable import Relay
import Testing

/// The bus's check of the HMAC headers, on headers built here: the signed JSON text is what the
/// HMAC covers, so a text that names one header twice must be refused, not read one way here and
/// another way by any other reader of the same text.
@Suite struct VDXPRequestVerifierTests {
    /// Remembers signatures in memory: the replay rule itself is covered against the store in
    /// BusAPITests.
    actor Memory: SignatureReplayMemory {
        var seen: Set<String> = []
        func remember(_ signature: String, until expiry: Date, now: Date) -> Bool { seen.insert(signature).inserted }
    }

    static let secret = Array("s3cret".utf8)
    let verifier = VDXPRequestVerifier(replays: Memory())

    /// Headers as a client sends them, lowercased as the bus reads them, with the sign-header text
    /// given and its HMAC made under `secret`.
    func headers(signing json: String, systemId: String = "sys-a", timestamp: String) -> [String: String] {
        [
            "systemid": systemId, "timestamp": timestamp,
            "xroadvnpt-sign-header-key": "systemid;timestamp",
            "xroadvnpt-sign-header": json,
            "xroadvnpt-hash-header": HMACSHA256.hex(key: Self.secret, message: Array(json.utf8)),
        ]
    }

    func verify(_ headers: [String: String]) async throws -> String {
        try await verifier.verify(headers, requiring: []) { $0 == "sys-a" ? Self.secret : nil }
    }

    @Test func aWellSignedCallNamesItsSystem() async throws {
        let stamp = VDXPTimestamp.format(Date())
        let json = #"{"XroadVnpt-systemid":"sys-a","XroadVnpt-timestamp":"\#(stamp)"}"#
        #expect(try await verify(headers(signing: json, timestamp: stamp)) == "sys-a")
    }

    @Test(arguments: [
        // The same name in other capitals: which copy would count depended on a dictionary's order.
        #"{"XroadVnpt-systemid":"sys-a","XROADVNPT-SYSTEMID":"sys-b","XroadVnpt-timestamp":"STAMP"}"#,
        // The same key twice.
        #"{"XroadVnpt-systemid":"sys-b","XroadVnpt-systemid":"sys-a","XroadVnpt-timestamp":"STAMP"}"#,
    ])
    func aHeaderSignedTwiceIsRefused(_ template: String) async throws {
        let stamp = VDXPTimestamp.format(Date())
        let json = template.replacingOccurrences(of: "STAMP", with: stamp)
        let failure = await #expect(throws: VDXPAuthenticationFailure.self) { try await verify(headers(signing: json, timestamp: stamp)) }
        #expect(failure?.reason == .hmacMalformed, "\(failure.map { "\($0)" } ?? "")")
    }

    @Test func aSignHeaderThatIsNotJSONIsRefusedAsMalformed() async throws {
        let stamp = VDXPTimestamp.format(Date())
        let failure = await #expect(throws: VDXPAuthenticationFailure.self) {
            try await verify(headers(signing: #"{"XroadVnpt-systemid":"sys-a","#, timestamp: stamp))
        }
        #expect(failure?.reason == .hmacMalformed)
    }
}
