import Foundation

/// An inbound envelope the pipeline refused, to be kept for the operator (never dropped).
public struct RefusalSubmission: Sendable {
    public var envelope: Data
    public var reasonCode: String
    public var reason: String
    /// `From/OrganId` when the envelope could be read that far.
    public var sender: String?
    public var documentID: String?
    public var recipients: [String]
    /// Where it came from: `push`, or `poll:<bus docId>`.
    public var source: String

    public init(envelope: Data, reasonCode: String, reason: String, sender: String?, documentID: String?,
                recipients: [String], source: String) {
        self.envelope = envelope
        self.reasonCode = reasonCode
        self.reason = reason
        self.sender = sender
        self.documentID = documentID
        self.recipients = recipients
        self.source = source
    }
}

/// A kept refusal. The same bytes refused for the same reason again are one row whose `times` grows.
public struct RefusedInbound: Sendable, Equatable, Codable {
    public var id: String
    public var blobSHA256: String
    public var size: Int
    public var reasonCode: String
    public var reason: String
    public var sender: String?
    public var documentID: String?
    public var recipients: [String]
    public var source: String
    /// The status 02 sent back about it, when a sender could be identified.
    public var statusMessageID: String?
    public var firstSeenAt: Date
    public var lastSeenAt: Date
    public var times: Int
}
