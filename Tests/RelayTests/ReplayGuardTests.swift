import Foundation
import Testing
@testable import Relay

@Suite struct ReplayGuardTests {
    @Test func aSignatureIsRefusedWhileItLivesAndExpiredOnesAreSwept() {
        let guardian = VDXPReplayGuard()
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(guardian.remember("s", until: now.addingTimeInterval(10), now: now))
        #expect(guardian.remember("s", until: now.addingTimeInterval(10), now: now.addingTimeInterval(5)) == false)
        #expect(guardian.remember("s", until: now.addingTimeInterval(30), now: now.addingTimeInterval(11)))
        // 5,000 short-lived signatures, then one much later: the table never holds them all.
        for number in 0..<5_000 {
            let at = now.addingTimeInterval(Double(number))
            #expect(guardian.remember("n\(number)", until: at.addingTimeInterval(2), now: at))
        }
        #expect(guardian.count < 2_100, "expired signatures are swept as the table grows")
    }
}
