/// The `MessageHeader` of a document message: everything EDXML.md lists, each optional where
/// real senders omit it. Integers and booleans are kept as the text they arrived as (so `01`
/// stays `01` on a round trip); the typed accessors read them.
public struct DocumentHeader: Hashable, Sendable, Codable {
    public var from: Organization
    public var to: [Organization]
    public var documentId: String?
    public var code: DocumentCode?
    public var promulgation: PromulgationInfo?
    public var documentType: DocumentType?
    public var subject: String?
    public var content: String?
    public var signer: SignerInfo?
    public var dueDate: DateText?
    /// nil when the element is absent, empty for `<ToPlaces/>`.
    public var toPlaces: [String]?
    public var otherInfo: OtherInfo?
    public var responseFor: [ResponseFor]
    public var steeringType: String?

    public init(from: Organization = Organization(), to: [Organization] = [], documentId: String? = nil,
                code: DocumentCode? = nil, promulgation: PromulgationInfo? = nil, documentType: DocumentType? = nil,
                subject: String? = nil, content: String? = nil, signer: SignerInfo? = nil, dueDate: DateText? = nil,
                toPlaces: [String]? = nil, otherInfo: OtherInfo? = nil, responseFor: [ResponseFor] = [],
                steeringType: String? = nil) {
        self.from = from
        self.to = to
        self.documentId = documentId
        self.code = code
        self.promulgation = promulgation
        self.documentType = documentType
        self.subject = subject
        self.content = content
        self.signer = signer
        self.dueDate = dueDate
        self.toPlaces = toPlaces
        self.otherInfo = otherInfo
        self.responseFor = responseFor
        self.steeringType = steeringType
    }
}

/// Number and notation (số và ký hiệu): `7816` and `VPCP-TTĐT` make `7816/VPCP-TTĐT`.
public struct DocumentCode: Hashable, Sendable, Codable {
    public var number: String?
    public var notation: String?

    public init(number: String? = nil, notation: String? = nil) {
        self.number = number
        self.notation = notation
    }

    /// `number/notation` as the business key and people write it.
    public var combined: String {
        switch (number, notation) {
        case let (n?, t?) where !t.isEmpty: return "\(n)/\(t)"
        case let (n?, _): return n
        case let (nil, t?): return t
        case (nil, nil): return ""
        }
    }
}

public struct PromulgationInfo: Hashable, Sendable, Codable {
    public var place: String?
    public var date: DateText?

    public init(place: String? = nil, date: DateText? = nil) {
        self.place = place
        self.date = date
    }
}

public struct DocumentType: Hashable, Sendable, Codable {
    public var type: String?
    public var typeDetail: String?
    public var typeName: String?

    public init(type: String? = nil, typeDetail: String? = nil, typeName: String? = nil) {
        self.type = type
        self.typeDetail = typeDetail
        self.typeName = typeName
    }

    public var typeNumber: Int? { type.flatMap { Int($0.trimmingWhitespace) } }
}

public struct SignerInfo: Hashable, Sendable, Codable {
    public var competence: String?
    public var position: String?
    public var fullName: String?

    public init(competence: String? = nil, position: String? = nil, fullName: String? = nil) {
        self.competence = competence
        self.position = position
        self.fullName = fullName
    }
}

public struct OtherInfo: Hashable, Sendable, Codable {
    /// 0 to 3, higher is more urgent.
    public var priority: String?
    public var sphereOfPromulgation: String?
    public var typerNotation: String?
    public var promulgationAmount: String?
    public var pageAmount: String?
    /// `true` or `false`.
    public var direction: String?
    /// nil when `Appendixes` is absent.
    public var appendixes: [String]?

    public init(priority: String? = nil, sphereOfPromulgation: String? = nil, typerNotation: String? = nil,
                promulgationAmount: String? = nil, pageAmount: String? = nil, direction: String? = nil,
                appendixes: [String]? = nil) {
        self.priority = priority
        self.sphereOfPromulgation = sphereOfPromulgation
        self.typerNotation = typerNotation
        self.promulgationAmount = promulgationAmount
        self.pageAmount = pageAmount
        self.direction = direction
        self.appendixes = appendixes
    }

    public var priorityLevel: Int? { priority.flatMap { Int($0.trimmingWhitespace) } }
}
