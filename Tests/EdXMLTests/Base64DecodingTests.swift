import Foundation
import Testing
@testable import EdXML
import TestSupport

@Suite struct Base64DecodingTests {
    @Test func agreesWithFoundationOnEveryLength() {
        var generator = SeededGenerator(seed: 64)
        for length in 0..<200 {
            let bytes = Data((0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) })
            let encoded = Array(bytes.base64EncodedString(options: .lineLength76Characters).utf8)
            #expect(Base64Decoding.decode(encoded) == bytes, "length \(length)")
            let measured = Base64Decoding.measure(encoded)
            #expect(measured?.count == length && measured?.head == Array(bytes.prefix(4)), "length \(length)")
        }
    }

    @Test(arguments: ["${__StringFromFile(test.txt,,,)}", "QUJD=", "QU=J", "QUJDRA=", "QUJD\u{0}", "QQ==QUJD", "=QUJ", "Q===", "QUJD#"])
    func refusesWhatIsNotBase64(_ text: String) {
        #expect(Base64Decoding.decode(Array(text.utf8)) == nil)
        #expect(Base64Decoding.measure(Array(text.utf8)) == nil)
    }

    @Test func skipsLineBreaksAndSpaces() {
        #expect(Base64Decoding.decode(Array(" QU\r\nJD\tRA==\n".utf8)) == Data("ABCD".utf8))
        #expect(Base64Decoding.measure(Array(" QU\r\nJD\tRA==\n".utf8))?.count == 4)
    }
}
