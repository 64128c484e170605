import Foundation
import Testing
@testable import Gateway

/// The sign-in throttle against the two ways around it a security review found: a burst of
/// parallel guesses, and a flood of names to push a locked account out of memory.
@Suite("Operator console: the sign-in throttle")
struct SignInThrottleTests {
    @Test("a burst of parallel attempts gets five through, however many are still hashing")
    func parallelAttemptsAreCountedBeforeTheirPasswordIsChecked() async {
        let throttle = SignInThrottle(now: { Date() })
        let allowed = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<50 { group.addTask { await throttle.begin("an") } }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(allowed == 5)
        #expect(await throttle.begin("an") == false)
        await throttle.succeeded("an")
        #expect(await throttle.begin("an"), "a success clears the count")
    }

    @Test("spraying names past the capacity does not free a locked account")
    func aLockedAccountStaysLockedWhenNamesFlood() async {
        let throttle = SignInThrottle(capacity: 10, now: { Date() })
        for _ in 0..<5 { _ = await throttle.begin("an") }
        #expect(await throttle.begin("an") == false)
        for index in 0..<100 { _ = await throttle.begin("name-\(index)") }
        #expect(await throttle.begin("an") == false, "still locked")
    }

    @Test("each failure waits longer than the one before, up to four seconds")
    func delaysGrow() async {
        let throttle = SignInThrottle(lockAfter: 10, now: { Date() })
        var delays: [Duration] = []
        for _ in 0..<8 {
            _ = await throttle.begin("an")
            delays.append(await throttle.failed("an"))
        }
        #expect(zip(delays, delays.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(delays.first == .milliseconds(250) && delays.last == .milliseconds(4000))
    }
}
