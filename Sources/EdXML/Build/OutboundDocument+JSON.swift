import JSONText

/// The unit's JSON read by hand from the parsed value: each key listed once, with its type. It
/// reads what the synthesized `Decodable` would (`OutboundDocumentJSONTests` compares the two on
/// a full and a minimal document with fields of each type given wrong values, nulls or nothing),
/// refuses keys the shape does not have, and costs a small fraction of `Codable` over a
/// `JSONSerialization` tree (docs/perf/exchange.md, session 23).
extension OutboundDocument {
    public init(json: JSONValue) throws(JSONShapeError) {
        self = try Self.read.read(json, "")
    }

    static let read = JSONRead<OutboundDocument>.object([
        "from", "to", "documentId", "code", "promulgation", "type", "subject", "content", "signer", "dueDate",
        "priority", "places", "otherInfo", "steeringType", "responseFor", "business", "attachments",
    ]) { f throws(JSONShapeError) in
        OutboundDocument(
            from: try f.required("from", Party.read),
            to: try f.required("to", .array(of: Party.read)),
            documentId: try f.optional("documentId", .string),
            code: try f.required("code", Code.read),
            promulgation: try f.optional("promulgation", Promulgation.read),
            type: try f.optional("type", TypeInfo.read),
            subject: try f.required("subject", .string),
            content: try f.optional("content", .string),
            signer: try f.optional("signer", Signer.read),
            dueDate: try f.optional("dueDate", .string),
            priority: try f.optional("priority", .int),
            places: try f.optional("places", .array(of: .string)),
            otherInfo: try f.optional("otherInfo", Other.read),
            steeringType: try f.optional("steeringType", .int),
            responseFor: try f.optional("responseFor", .array(of: Reply.read)),
            business: try f.optional("business", BusinessInfo.read),
            attachments: try f.optional("attachments", .array(of: AttachedFile.read)))
    }
}

extension OutboundDocument.Party {
    static let read = JSONRead<Self>.object([
        "organId", "organizationInCharge", "organName", "organAdd", "email", "telephone", "fax", "website",
    ]) { f throws(JSONShapeError) in
        Self(organId: try f.required("organId", .string),
             organizationInCharge: try f.optional("organizationInCharge", .string),
             organName: try f.optional("organName", .string), organAdd: try f.optional("organAdd", .string),
             email: try f.optional("email", .string), telephone: try f.optional("telephone", .string),
             fax: try f.optional("fax", .string), website: try f.optional("website", .string))
    }
}

extension OutboundDocument.Code {
    static let read = JSONRead<Self>.object(["number", "notation"]) { f throws(JSONShapeError) in
        Self(number: try f.required("number", .string), notation: try f.required("notation", .string))
    }
}

extension OutboundDocument.Promulgation {
    static let read = JSONRead<Self>.object(["place", "date"]) { f throws(JSONShapeError) in
        Self(place: try f.optional("place", .string), date: try f.optional("date", .string))
    }
}

extension OutboundDocument.TypeInfo {
    static let read = JSONRead<Self>.object(["type", "detail", "name"]) { f throws(JSONShapeError) in
        Self(type: try f.required("type", .int), detail: try f.optional("detail", .int), name: try f.optional("name", .string))
    }
}

extension OutboundDocument.Signer {
    static let read = JSONRead<Self>.object(["competence", "position", "fullName"]) { f throws(JSONShapeError) in
        Self(competence: try f.optional("competence", .string), position: try f.optional("position", .string),
             fullName: try f.optional("fullName", .string))
    }
}

extension OutboundDocument.Other {
    static let read = JSONRead<Self>.object([
        "sphereOfPromulgation", "typerNotation", "promulgationAmount", "pageAmount", "direction", "appendixes",
    ]) { f throws(JSONShapeError) in
        Self(sphereOfPromulgation: try f.optional("sphereOfPromulgation", .string),
             typerNotation: try f.optional("typerNotation", .string),
             promulgationAmount: try f.optional("promulgationAmount", .int), pageAmount: try f.optional("pageAmount", .int),
             direction: try f.optional("direction", .bool), appendixes: try f.optional("appendixes", .array(of: .string)))
    }
}

extension OutboundDocument.Reply {
    static let read = JSONRead<Self>.object(["organId", "code", "promulgationDate", "documentId"]) { f throws(JSONShapeError) in
        Self(organId: try f.optional("organId", .string), code: try f.optional("code", .string),
             promulgationDate: try f.optional("promulgationDate", .string), documentId: try f.optional("documentId", .string))
    }
}

extension OutboundDocument.BusinessInfo {
    static let read = JSONRead<Self>.object([
        "type", "documentId", "reason", "paper", "documentInfoChanged", "receiversChanged", "receivers", "replacements", "staff",
    ]) { f throws(JSONShapeError) in
        Self(type: try f.required("type", .string), documentId: try f.optional("documentId", .string),
             reason: try f.optional("reason", .string), paper: try f.optional("paper", .bool),
             documentInfoChanged: try f.optional("documentInfoChanged", .bool),
             receiversChanged: try f.optional("receiversChanged", .bool),
             receivers: try f.optional("receivers", .array(of: OutboundDocument.BusinessReceiver.read)),
             replacements: try f.optional("replacements", .array(of: OutboundDocument.Replacement.read)),
             staff: try f.optional("staff", OutboundDocument.Staff.read))
    }
}

extension OutboundDocument.BusinessReceiver {
    static let read = JSONRead<Self>.object(["organId", "receiverType"]) { f throws(JSONShapeError) in
        Self(organId: try f.required("organId", .string), receiverType: try f.optional("receiverType", .int))
    }
}

extension OutboundDocument.Replacement {
    static let read = JSONRead<Self>.object(["documentId", "organIds"]) { f throws(JSONShapeError) in
        Self(documentId: try f.required("documentId", .string), organIds: try f.required("organIds", .array(of: .string)))
    }
}

extension OutboundDocument.Staff {
    static let read = JSONRead<Self>.object(["department", "staff", "mobile", "email"]) { f throws(JSONShapeError) in
        Self(department: try f.optional("department", .string), staff: try f.optional("staff", .string),
             mobile: try f.optional("mobile", .string), email: try f.optional("email", .string))
    }
}

extension OutboundDocument.AttachedFile {
    static let read = JSONRead<Self>.object(["file", "name", "contentType", "description"]) { f throws(JSONShapeError) in
        Self(file: try f.required("file", .string), name: try f.optional("name", .string),
             contentType: try f.optional("contentType", .string), description: try f.optional("description", .string))
    }
}
