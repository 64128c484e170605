import Foundation

/// JSONDecoder ignores keys it does not know, so a misspelt `subjct` would silently vanish.
/// This walks the parsed JSON against the keys `OutboundDocument` knows and names the first stranger.
enum JSONKeyCheck {
    indirect enum Shape: Sendable {
        case object([String: Shape])
        case array(Shape)
        case scalar
    }

    static let party: Shape = .object(Dictionary(uniqueKeysWithValues:
        ["organId", "organizationInCharge", "organName", "organAdd", "email", "telephone", "fax", "website"].map { ($0, .scalar) }))
    static let staff: Shape = .object(["department": .scalar, "staff": .scalar, "mobile": .scalar, "email": .scalar])

    static let outboundDocument: Shape = .object([
        "from": party,
        "to": .array(party),
        "documentId": .scalar,
        "code": .object(["number": .scalar, "notation": .scalar]),
        "promulgation": .object(["place": .scalar, "date": .scalar]),
        "type": .object(["type": .scalar, "detail": .scalar, "name": .scalar]),
        "subject": .scalar,
        "content": .scalar,
        "signer": .object(["competence": .scalar, "position": .scalar, "fullName": .scalar]),
        "dueDate": .scalar,
        "priority": .scalar,
        "places": .array(.scalar),
        "otherInfo": .object(["sphereOfPromulgation": .scalar, "typerNotation": .scalar, "promulgationAmount": .scalar,
                              "pageAmount": .scalar, "direction": .scalar, "appendixes": .array(.scalar)]),
        "steeringType": .scalar,
        "responseFor": .array(.object(["organId": .scalar, "code": .scalar, "promulgationDate": .scalar, "documentId": .scalar])),
        "business": .object([
            "type": .scalar, "documentId": .scalar, "reason": .scalar, "paper": .scalar,
            "documentInfoChanged": .scalar, "receiversChanged": .scalar,
            "receivers": .array(.object(["organId": .scalar, "receiverType": .scalar])),
            "replacements": .array(.object(["documentId": .scalar, "organIds": .array(.scalar)])),
            "staff": staff,
        ]),
        "attachments": .array(.object(["file": .scalar, "name": .scalar, "contentType": .scalar, "description": .scalar])),
    ])

    /// The path of the first key the shape does not allow (`to[1].organid`), or nil.
    static func firstUnknownKey(in value: Any, shape: Shape, path: String = "") -> String? {
        switch shape {
        case .scalar:
            return nil
        case .array(let element):
            guard let items = value as? [Any] else { return nil }
            for (i, item) in items.enumerated() {
                if let bad = firstUnknownKey(in: item, shape: element, path: "\(path)[\(i)]") { return bad }
            }
            return nil
        case .object(let fields):
            guard let object = value as? [String: Any] else { return nil }
            for key in object.keys.sorted() {
                let keyPath = path.isEmpty ? key : "\(path).\(key)"
                guard let fieldShape = fields[key] else { return keyPath }
                if let bad = firstUnknownKey(in: object[key]!, shape: fieldShape, path: keyPath) { return bad }
            }
            return nil
        }
    }
}
