import Foundation
import Testing
@testable import Store

@Suite("store: message ids")
struct MessageIDTests {
    @Test("an id is 26 Crockford base-32 characters, its first ten the milliseconds, and ids sort by creation time")
    func formAndOrder() {
        let alphabet = Set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        var previous = ""
        for step in 0..<200 {
            let id = MessageID.make(at: start.addingTimeInterval(Double(step) * 0.002))   // 2 ms apart
            #expect(id.count == 26 && id.allSatisfy(alphabet.contains), "\(id)")
            #expect(id > previous)
            previous = id
        }
        // 1_800_000_000_000 ms in base 32, most significant digit first.
        #expect(MessageID.timePrefix(of: start) == "01MCC5RM00")
        let sameMillisecond = (0..<100).map { _ in MessageID.make(at: start) }
        #expect(Set(sameMillisecond).count == 100, "the random part tells ids of one millisecond apart")
    }
}
