/// The JSON a unit system (or `lienthong build --json`) gives for a new outbound document.
/// Field names follow the edXML element names in lower camel case; docs/edxml.md shows an example.
public struct OutboundDocument: Codable, Hashable, Sendable {
    public var from: Party
    public var to: [Party]
    /// Omit to get the standard business key `<from>,<yyyy/MM/dd>,<number>/<notation>`.
    public var documentId: String?
    public var code: Code
    public var promulgation: Promulgation?
    public var type: TypeInfo?
    public var subject: String
    public var content: String?
    public var signer: Signer?
    /// `yyyy/MM/dd`
    public var dueDate: String?
    /// 0 to 3, higher is more urgent.
    public var priority: Int?
    /// `ToPlaces`: where the document is sent, as people read it.
    public var places: [String]?
    public var otherInfo: Other?
    public var steeringType: Int?
    public var responseFor: [Reply]?
    public var business: BusinessInfo?
    public var attachments: [AttachedFile]?

    public struct Party: Codable, Hashable, Sendable {
        public var organId: String
        public var organizationInCharge: String?
        public var organName: String?
        public var organAdd: String?
        public var email: String?
        public var telephone: String?
        public var fax: String?
        public var website: String?
    }

    public struct Code: Codable, Hashable, Sendable {
        public var number: String
        public var notation: String
    }

    public struct Promulgation: Codable, Hashable, Sendable {
        public var place: String?
        /// `yyyy/MM/dd`; today in Vietnam when omitted.
        public var date: String?
    }

    public struct TypeInfo: Codable, Hashable, Sendable {
        public var type: Int
        public var detail: Int?
        public var name: String?
    }

    public struct Signer: Codable, Hashable, Sendable {
        public var competence: String?
        public var position: String?
        public var fullName: String?
    }

    public struct Other: Codable, Hashable, Sendable {
        public var sphereOfPromulgation: String?
        public var typerNotation: String?
        public var promulgationAmount: Int?
        public var pageAmount: Int?
        public var direction: Bool?
        public var appendixes: [String]?
    }

    public struct Reply: Codable, Hashable, Sendable {
        public var organId: String?
        public var code: String?
        public var promulgationDate: String?
        public var documentId: String?
    }

    public struct BusinessInfo: Codable, Hashable, Sendable {
        /// `new`, `revoke`, `update` or `replace`.
        public var type: String
        public var documentId: String?
        public var reason: String?
        public var paper: Bool?
        public var documentInfoChanged: Bool?
        public var receiversChanged: Bool?
        public var receivers: [BusinessReceiver]?
        public var replacements: [Replacement]?
        public var staff: Staff?
    }

    public struct BusinessReceiver: Codable, Hashable, Sendable {
        public var organId: String
        public var receiverType: Int?
    }

    public struct Replacement: Codable, Hashable, Sendable {
        public var documentId: String
        public var organIds: [String]
    }

    public struct Staff: Codable, Hashable, Sendable {
        public var department: String?
        public var staff: String?
        public var mobile: String?
        public var email: String?
    }

    public struct AttachedFile: Codable, Hashable, Sendable {
        /// A path, relative to the JSON file's folder when not absolute.
        public var file: String
        /// The name the recipient sees; the file's own name when omitted.
        public var name: String?
        /// Guessed from the name's extension when omitted.
        public var contentType: String?
        public var description: String?

        public init(file: String, name: String? = nil, contentType: String? = nil, description: String? = nil) {
            self.file = file
            self.name = name
            self.contentType = contentType
            self.description = description
        }
    }
}
