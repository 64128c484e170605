import LibCrypto

/// The unit server a request was authenticated as, and the OrganIds it may send as.
public struct AuthenticatedUnit: Sendable, Equatable {
    public let name: String
    public let organIds: [String]

    public init(name: String, organIds: [String]) {
        self.name = name
        self.organIds = organIds
    }
}

/// Maps a bearer token to the configured unit whose token hash matches. Every configured hash is
/// compared, each in constant time, so the time taken says nothing about which bytes matched.
public struct UnitAuthenticator: Sendable {
    private let units: [(hash: [UInt8], unit: AuthenticatedUnit)]

    public init(units: [GatewayConfiguration.Unit]) {
        self.units = units.map { ($0.tokenSHA256, AuthenticatedUnit(name: $0.name, organIds: $0.organIds)) }
    }

    public func unit(forToken token: String) -> AuthenticatedUnit? {
        let presented = SHA256Hasher.digest(Array(token.utf8))
        var match: AuthenticatedUnit?
        for candidate in units where Self.constantTimeEqual(candidate.hash, presented) {
            match = candidate.unit
        }
        return match
    }

    /// The SHA-256 hex a configuration's `token_sha256` holds for `token`.
    public static func tokenHashHex(_ token: String) -> String {
        SHA256Hasher.hexDigest(Array(token.utf8))
    }

    static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }
}
