import Foundation

/// One organisation connected to the bus (the bus role's registry): who it is, how it proves it,
/// and how documents reach it.
public struct Agency: Sendable, Equatable, Codable {
    public enum State: String, Sendable, Codable, CaseIterable {
        case active, suspended
    }

    public var organId: String
    public var name: String
    /// The OrganId of the organisation above it, if any.
    public var parent: String?
    /// SHA-256 of the DER of the TLS client certificate it connects with (lowercase hex).
    public var certificateSHA256: String?
    /// VDXP `systemid` for the HMAC headers.
    public var systemId: String?
    /// The HMAC secret itself: verifying an HMAC needs it, so the bus keeps it (a hash would not
    /// do). Never encoded, never printed.
    public var hmacSecret: String?
    /// Where documents are pushed (`POST <endpoint>/bus/v1/edoc`); nil: held for polling.
    public var pushEndpoint: String?
    public var state: State
    public var createdAt: Date
    public var updatedAt: Date

    public init(organId: String, name: String, parent: String? = nil, certificateSHA256: String? = nil,
                systemId: String? = nil, hmacSecret: String? = nil, pushEndpoint: String? = nil,
                state: State = .active, createdAt: Date = Date(), updatedAt: Date = Date()) {
        self.organId = organId
        self.name = name
        self.parent = parent
        self.certificateSHA256 = certificateSHA256?.lowercased()
        self.systemId = systemId
        self.hmacSecret = hmacSecret
        self.pushEndpoint = pushEndpoint
        self.state = state
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public var deliveryMode: String { pushEndpoint == nil ? "poll" : "push" }

    enum CodingKeys: String, CodingKey {
        case organId, name, parent, certificateSHA256, systemId, hasSecret, pushEndpoint, deliveryMode, state,
             createdAt, updatedAt
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(organId, forKey: .organId)
        try container.encode(name, forKey: .name)
        try container.encodeIfPresent(parent, forKey: .parent)
        try container.encodeIfPresent(certificateSHA256, forKey: .certificateSHA256)
        try container.encodeIfPresent(systemId, forKey: .systemId)
        try container.encode(hmacSecret != nil, forKey: .hasSecret)
        try container.encodeIfPresent(pushEndpoint, forKey: .pushEndpoint)
        try container.encode(deliveryMode, forKey: .deliveryMode)
        try container.encode(state, forKey: .state)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(organId: try container.decode(String.self, forKey: .organId),
                  name: try container.decode(String.self, forKey: .name),
                  parent: try container.decodeIfPresent(String.self, forKey: .parent),
                  certificateSHA256: try container.decodeIfPresent(String.self, forKey: .certificateSHA256),
                  systemId: try container.decodeIfPresent(String.self, forKey: .systemId),
                  pushEndpoint: try container.decodeIfPresent(String.self, forKey: .pushEndpoint),
                  state: try container.decode(State.self, forKey: .state),
                  createdAt: try container.decode(Date.self, forKey: .createdAt),
                  updatedAt: try container.decode(Date.self, forKey: .updatedAt))
    }
}

/// What saving an agency did, for the operator log and the CLI.
public enum AgencyChange: String, Sendable, Equatable {
    case added, updated, unchanged
}

/// A document or status held on the bus for a recipient that polls (`getReceivedEdocList`).
public struct BusMailboxEntry: Sendable, Equatable {
    public enum State: String, Sendable, Codable {
        /// Waiting to be fetched and acknowledged.
        case waiting
        /// The recipient said `processing`: still listed.
        case processing
        /// The recipient said `done`: no longer listed.
        case done
        /// The recipient said `fail`: no longer listed; the sender sees it in `getSentEdocList`.
        case fail
    }

    /// The bus's docId: the id of the recipient's outbound message.
    public var docId: String
    public var recipient: String
    public var sender: String
    /// "edoc" or "status".
    public var kind: String
    public var documentID: String
    public var state: State
    public var createdAt: Date
    public var updatedAt: Date
}

/// Where one sent document is for one recipient (`getSentEdocList`).
public struct BusSentRecord: Sendable, Equatable {
    public var docId: String
    public var submissionID: String
    public var documentID: String
    public var recipient: String
    public var kind: String
    /// The queue state of the delivery from the bus to the recipient.
    public var queueState: MessageState
    /// For polling recipients, once deposited: what the recipient did with it.
    public var mailboxState: BusMailboxEntry.State?
    public var lastReasonCode: String?
    public var lastReason: String?
    public var createdAt: Date
    public var updatedAt: Date
}
