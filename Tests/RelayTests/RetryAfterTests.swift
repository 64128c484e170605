import Foundation
import Relay
import Testing

@Suite struct RetryAfterTests {
    let now = Date(timeIntervalSince1970: 1_795_580_130)   // 2026-11-25 04:15:30 UTC

    @Test func delaySeconds() {
        #expect(RetryAfter.parse("120", now: now) == .seconds(120))
        #expect(RetryAfter.parse(" 0 ", now: now) == .seconds(0))
    }

    @Test func httpDateInAllThreeForms() {
        #expect(RetryAfter.parse("Wed, 25 Nov 2026 04:16:00 GMT", now: now) == .seconds(30))
        #expect(RetryAfter.parse("Wednesday, 25-Nov-26 04:16:00 GMT", now: now) == .seconds(30))
        #expect(RetryAfter.parse("Wed Nov 25 04:16:00 2026", now: now) == .seconds(30))
    }

    @Test func pastDateMeansNow() {
        #expect(RetryAfter.parse("Tue, 24 Nov 2026 04:16:00 GMT", now: now) == .zero)
    }

    @Test func hugeOrHostileValuesAreCappedOrIgnored() {
        #expect(RetryAfter.parse("99999999999999999999", now: now) == RetryAfter.ceiling)
        #expect(RetryAfter.parse("Fri, 01 Jan 2100 00:00:00 GMT", now: now) == RetryAfter.ceiling)
        #expect(RetryAfter.parse("-5", now: now) == nil)
        #expect(RetryAfter.parse("soon", now: now) == nil)
        #expect(RetryAfter.parse("", now: now) == nil)
    }
}
