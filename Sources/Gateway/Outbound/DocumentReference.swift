import EdXML
import Foundation
import JSONText

/// What a status about a submitted document must name, kept with the submission as JSON.
struct DocumentReference: Codable, Sendable, Equatable {
    var responseFor: ResponseFor

    /// The JSON `JSONEncoder` writes for this type, which `decode` reads, written directly:
    /// `JSONEncoder` was 2.7 % of a gateway's CPU per submitted document. The shape follows the
    /// synthesized `Codable` of `ResponseFor`, `DateText` and `LocalDateTime`; a test compares it
    /// with `JSONEncoder`'s and fails when one of those types gains a stored property.
    func encoded() -> String {
        var fields: [String: JSONValue] = [:]
        if let organId = responseFor.organId { fields["organId"] = .string(organId.text) }
        if let code = responseFor.code { fields["code"] = .string(code) }
        if let date = responseFor.promulgationDate { fields["promulgationDate"] = Self.object(date) }
        if let documentId = responseFor.documentId { fields["documentId"] = .string(documentId) }
        return String(decoding: JSONBytes.encode(["responseFor": .object(fields)]), as: UTF8.self)
    }

    static func decode(_ text: String) -> DocumentReference? {
        try? JSONDecoder().decode(DocumentReference.self, from: Data(text.utf8))
    }

    private static func object(_ date: DateText) -> JSONValue {
        var object: [String: JSONValue] = ["text": .string(date.text)]
        if let value = date.value {
            var fields: [String: JSONValue] = ["year": .int(value.year), "month": .int(value.month), "day": .int(value.day)]
            if let time = value.time { fields["time"] = ["hour": .int(time.hour), "minute": .int(time.minute), "second": .int(time.second)] }
            object["value"] = .object(fields)
        }
        return .object(object)
    }
}
