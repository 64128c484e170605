import EdXML
import Foundation

/// What a status about a submitted document must name, kept with the submission as JSON.
struct DocumentReference: Codable, Sendable, Equatable {
    var responseFor: ResponseFor

    /// The JSON `JSONEncoder` writes for this type, which `decode` reads, written directly:
    /// `JSONEncoder` was 2.7 % of a gateway's CPU per submitted document. The shape follows the
    /// synthesized `Codable` of `ResponseFor`, `DateText` and `LocalDateTime`; a test compares it
    /// with `JSONEncoder`'s and fails when one of those types gains a stored property.
    func encoded() -> String {
        var fields: [String: Any] = [:]
        if let organId = responseFor.organId { fields["organId"] = organId.text }
        if let code = responseFor.code { fields["code"] = code }
        if let date = responseFor.promulgationDate { fields["promulgationDate"] = Self.object(date) }
        if let documentId = responseFor.documentId { fields["documentId"] = documentId }
        return String(decoding: JSONBytes.encode(["responseFor": fields]) ?? [], as: UTF8.self)
    }

    static func decode(_ text: String) -> DocumentReference? {
        try? JSONDecoder().decode(DocumentReference.self, from: Data(text.utf8))
    }

    private static func object(_ date: DateText) -> [String: Any] {
        var object: [String: Any] = ["text": date.text]
        if let value = date.value {
            var fields: [String: Any] = ["year": value.year, "month": value.month, "day": value.day]
            if let time = value.time { fields["time"] = ["hour": time.hour, "minute": time.minute, "second": time.second] }
            object["value"] = fields
        }
        return object
    }
}
