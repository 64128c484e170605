/// An organisation as `From` and `To` carry it. Every field is optional because real senders
/// leave any of them out; validation says which ones a message must have.
public struct Organization: Hashable, Sendable, Codable {
    public var organId: OrganId?
    public var organizationInCharge: String?
    public var organName: String?
    public var organAdd: String?
    public var email: String?
    public var telephone: String?
    public var fax: String?
    public var website: String?

    public init(organId: OrganId? = nil, organizationInCharge: String? = nil, organName: String? = nil,
                organAdd: String? = nil, email: String? = nil, telephone: String? = nil,
                fax: String? = nil, website: String? = nil) {
        self.organId = organId
        self.organizationInCharge = organizationInCharge
        self.organName = organName
        self.organAdd = organAdd
        self.email = email
        self.telephone = telephone
        self.fax = fax
        self.website = website
    }

    /// The name to show a person: the organisation's name, else the one in charge.
    public var displayName: String? { organName ?? organizationInCharge }
}

/// The clerk who handled a status or a business change.
public struct StaffInfo: Hashable, Sendable, Codable {
    public var department: String?
    public var staff: String?
    public var mobile: String?
    public var email: String?

    public init(department: String? = nil, staff: String? = nil, mobile: String? = nil, email: String? = nil) {
        self.department = department
        self.staff = staff
        self.mobile = mobile
        self.email = email
    }
}

/// Which document a status (or a reply document) is about. `<ResponseFor/>` reads as all nil.
public struct ResponseFor: Hashable, Sendable, Codable {
    public var organId: OrganId?
    public var code: String?
    public var promulgationDate: DateText?
    public var documentId: String?

    public init(organId: OrganId? = nil, code: String? = nil, promulgationDate: DateText? = nil, documentId: String? = nil) {
        self.organId = organId
        self.code = code
        self.promulgationDate = promulgationDate
        self.documentId = documentId
    }

    public var isEmpty: Bool { organId == nil && code == nil && promulgationDate == nil && documentId == nil }
}
