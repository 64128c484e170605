import EdXML
import Foundation
import Testing
@testable import Gateway

/// The reference kept with each submission is written by hand in `JSONEncoder`'s shape, and a
/// recall reads it back with `JSONDecoder`: both must keep agreeing.
@Suite("the document reference kept with a submission")
struct DocumentReferenceTests {
    static let references: [DocumentReference] = [
        DocumentReference(responseFor: ResponseFor(organId: "000.00.00.G22", code: "125/VPCP-TTĐT",
                                                   promulgationDate: DateText("2026/11/25"),
                                                   documentId: "000.00.00.G22,2026/11/25,125/VPCP-TTĐT")),
        DocumentReference(responseFor: ResponseFor(organId: "H41.01", code: "7/\"QĐ\"\\UBND\u{1}\ttab",
                                                   promulgationDate: DateText("2026/02/01 08:30:05"), documentId: "x")),
        // A date the reader keeps as text but cannot read as a day, and one that is no date.
        DocumentReference(responseFor: ResponseFor(promulgationDate: DateText("2014/02/30"))),
        DocumentReference(responseFor: ResponseFor(promulgationDate: DateText("ngày 5 tháng 3"))),
        DocumentReference(responseFor: ResponseFor()),
    ]

    @Test("written as JSONEncoder writes it, and read back unchanged", arguments: references)
    func sameJSONAsTheEncoder(reference: DocumentReference) throws {
        let ours = try JSONSerialization.jsonObject(with: Data(reference.encoded().utf8)) as? NSDictionary
        let encoders = try JSONSerialization.jsonObject(with: JSONEncoder().encode(reference)) as? NSDictionary
        #expect(ours != nil)
        #expect(ours == encoders)
        #expect(DocumentReference.decode(reference.encoded()) == reference)
    }

    /// The hand-written shape names every stored property of these types: one added to any of
    /// them must be added to `DocumentReference.encoded` too.
    @Test("the types it writes have the stored properties it writes")
    func storedPropertiesAreTheOnesWritten() {
        func labels(_ value: Any) -> [String] { Mirror(reflecting: value).children.compactMap(\.label) }
        #expect(labels(ResponseFor()) == ["organId", "code", "promulgationDate", "documentId"])
        #expect(labels(DateText("2026/11/25")) == ["text", "value"])
        #expect(labels(LocalDateTime(year: 2026, month: 11, day: 25)) == ["year", "month", "day", "time"])
        #expect(labels(LocalDateTime.TimeOfDay(hour: 1, minute: 2, second: 3)) == ["hour", "minute", "second"])
        #expect(labels(OrganId("000.00.00.G22")) == ["text"])
    }
}
