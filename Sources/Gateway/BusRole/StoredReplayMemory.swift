import Foundation
import Relay
import Store

/// The bus remembers accepted HMAC signatures in its store (see `rememberSignature`).
extension SQLiteStore: SignatureReplayMemory {
    public func remember(_ signature: String, until expiry: Date, now: Date) async throws -> Bool {
        try await rememberSignature(signature, until: expiry, now: now)
    }
}
