import Foundation
import Testing
@testable import EdXML
import TestSupport

/// The reader and writer take byte-level shortcuts for the usual input; these pin that the
/// shortcuts give what the general code gives.
@Suite struct FastPathTests {
    /// Dates as senders write them, and near misses.
    static let dates = [
        "2019/01/17", " 2019/01/17 ", "2019-1-7", "2019/01/17\t", "\n2019/01/17 10:00:00\r", "2019/01/17 10:00",
        "2019/+1/05", "2019/-1/05", "+019/01/17", "2019/01/17 10:00:00 x", "2019/01/17  10:00:00", "2019/1/1 1:00:00",
        "2019/01/17 10:00:0a", "2014/02/30", "", "   ", "2019//17", "2019/01/1/7", "2019/01/17 10:00:00.5",
        "2019/01/17\r\n", "2019/01/17 10:00:00\r\n ", "\r\n2019/01/17", "２０１９/01/17", "2019/01/17\u{301}", "2019/01/17 \u{301}",
        "2019-01/17", "2019/01-17", "2019/01/17 10:00:00 ", "2019/01/17\t10:00:00", "99999/01/17", "2019/001/17", "2019/01/17 -1:00:00",
    ]

    @Test func dateReadingAgreesWithTheGeneralReading() {
        for text in Self.dates {
            #expect(LocalDateTime(parsing: text) == LocalDateTime(parsingCharacters: text), "\(text.debugDescription)")
        }
    }

    @Test func dateReadingAgreesOnGeneratedTexts() {
        let pieces = ["2019", "01", "1", "/", "-", ":", " ", "\t", "\r", "\n", "+", "10", "5", "é", "x", "00"]
        var generator = SeededGenerator(seed: 20261125)
        for _ in 0..<3000 {
            let text = (0..<Int.random(in: 1...9, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            #expect(LocalDateTime(parsing: text) == LocalDateTime(parsingCharacters: text), "\(text.debugDescription)")
        }
    }

    @Test func trimmingKeepsCharactersThatAreNotWhiteSpace() {
        #expect("2019/01/17".trimmingWhitespace == "2019/01/17")
        #expect(" a \t".trimmingWhitespace == "a")
        #expect("\r\na\r\n".trimmingWhitespace == "\r\na\r\n")  // CR LF is one Character, not one of the four
        #expect(" \u{301}a".trimmingWhitespace == " \u{301}a")
        #expect("".trimmingWhitespace == "")
        #expect(" \n ".trimmingWhitespace == "")
    }

    @Test func escapingGivesTheSameTextWhateverThePath() throws {
        var written = Data()
        let out = XMLTextOutput { written.append($0) }
        try out.leaf("plain", "Đà Nẵng — 2026")
        try out.leaf("marked", "a & b < c > \"q\" 'x'\tt\r\nn\u{FFFD}\u{FFEF}")
        try out.empty("e", attributes: [("v", "x\"y\t\n\r&<>é")])
        try out.flush()
        #expect(String(decoding: written, as: UTF8.self) == """

            <plain>Đà Nẵng — 2026</plain>
            <marked>a &amp; b &lt; c &gt; "q" 'x'\tt&#xD;\nn\u{FFFD}\u{FFEF}</marked>
            <e v="x&quot;y&#x9;&#xA;&#xD;&amp;&lt;>é"></e>
            """)
    }

    @Test func base64PiecesConcatenateToTheWhole() throws {
        var generator = SeededGenerator(seed: 47)
        // Over one piece of 3 × 2^16 bytes and not a multiple of 3, flushed between pieces.
        let bytes = Data((0..<(3 << 16) + 1001).map { _ in UInt8.random(in: 0...255, using: &generator) })
        var written = Data()
        var flushes = 0
        let out = XMLTextOutput(flushThreshold: 1 << 16) { written.append($0); flushes += 1 }
        try out.base64(bytes)
        try out.flush()
        #expect(written == bytes.base64EncodedData())
        #expect(flushes == 2)
    }

    @Test(arguments: ["\u{1}", "\u{FFFE}", "\u{FFFF}", "ok \u{1F}"])
    func charactersXMLCannotCarryAreRefused(_ text: String) {
        let out = XMLTextOutput { _ in }
        #expect { try out.leaf("n", text) } throws: { ($0 as? Refusal)?.reasonCode == "edxml.invalid_character" }
    }
}
