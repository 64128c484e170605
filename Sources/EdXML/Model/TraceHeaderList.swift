/// The hops a message has made (each system appends one) and, for recall, update and replace,
/// the `Bussiness` block (spelled so in the standard).
public struct TraceHeaderList: Hashable, Sendable, Codable {
    public var traces: [TraceHeader]
    public var business: Business?

    public init(traces: [TraceHeader] = [], business: Business? = nil) {
        self.traces = traces
        self.business = business
    }
}

public struct TraceHeader: Hashable, Sendable, Codable {
    public var organId: OrganId?
    public var timestamp: DateText?

    public init(organId: OrganId? = nil, timestamp: DateText? = nil) {
        self.organId = organId
        self.timestamp = timestamp
    }
}

/// What a document does to earlier ones: new (0), revoke (1), update (2, with
/// `BussinessDocumentInfo`), replace (3, with `ReplacementInfoList`). Read leniently: any
/// combination of the extra content is kept whatever the type says.
public struct Business: Hashable, Sendable, Codable {
    public var documentId: String?
    /// `BussinessDocType` as it arrived; `kind` interprets it.
    public var docType: String?
    public var reason: String?
    /// `Paper`: 1 when a paper original also travels.
    public var paper: String?
    public var documentInfo: BusinessDocumentInfo?
    /// nil when `ReplacementInfoList` is absent.
    public var replacements: [ReplacementInfo]?
    public var staff: StaffInfo?

    public init(documentId: String? = nil, docType: String? = nil, reason: String? = nil, paper: String? = nil,
                documentInfo: BusinessDocumentInfo? = nil, replacements: [ReplacementInfo]? = nil, staff: StaffInfo? = nil) {
        self.documentId = documentId
        self.docType = docType
        self.reason = reason
        self.paper = paper
        self.documentInfo = documentInfo
        self.replacements = replacements
        self.staff = staff
    }

    public enum Kind: Hashable, Sendable, Codable {
        case new, revoke, update, replace
        /// A type no source names, kept as its text.
        case other(String)

        public init(code: String) {
            switch Int(code.trimmingWhitespace) {
            case 0: self = .new
            case 1: self = .revoke
            case 2: self = .update
            case 3: self = .replace
            default: self = .other(code)
            }
        }

        public var code: String {
            switch self {
            case .new: "0"
            case .revoke: "1"
            case .update: "2"
            case .replace: "3"
            case .other(let text): text
            }
        }

        public var name: String {
            switch self {
            case .new: "new"
            case .revoke: "revoke"
            case .update: "update"
            case .replace: "replace"
            case .other(let text): "unknown (\(text))"
            }
        }
    }

    /// nil when `BussinessDocType` is absent.
    public var kind: Kind? { docType.map(Kind.init(code:)) }
}

/// The extra content of an update: which parts changed and who receives it.
public struct BusinessDocumentInfo: Hashable, Sendable, Codable {
    /// `DocumentInfo`: 1 when the document's information changed.
    public var documentInfo: String?
    /// `DocumentReceiver`: 1 when the receivers changed.
    public var documentReceiver: String?
    /// nil when `ReceiverList` is absent.
    public var receivers: [Receiver]?

    public init(documentInfo: String? = nil, documentReceiver: String? = nil, receivers: [Receiver]? = nil) {
        self.documentInfo = documentInfo
        self.documentReceiver = documentReceiver
        self.receivers = receivers
    }

    public struct Receiver: Hashable, Sendable, Codable {
        public var organId: OrganId?
        public var receiverType: String?

        public init(organId: OrganId? = nil, receiverType: String? = nil) {
            self.organId = organId
            self.receiverType = receiverType
        }
    }
}

/// The extra content of a replacement: the document replaced, and for whom.
public struct ReplacementInfo: Hashable, Sendable, Codable {
    public var documentId: String?
    /// nil when `OrganIdList` is absent.
    public var organIds: [OrganId]?

    public init(documentId: String? = nil, organIds: [OrganId]? = nil) {
        self.documentId = documentId
        self.organIds = organIds
    }
}
