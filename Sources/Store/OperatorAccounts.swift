import Foundation

/// What a console account may do: look, or look and act on messages.
public enum OperatorRole: String, Sendable, Codable, CaseIterable {
    case readOnly = "read-only"
    case `operator`
}

/// A console account. The password is only ever stored as a slow salted hash (LibCrypto's
/// `PasswordHash`), which the store keeps opaque.
public struct OperatorAccount: Sendable, Equatable {
    public var name: String
    public var role: OperatorRole
    public var passwordHash: String
    public var createdAt: Date

    public init(name: String, role: OperatorRole, passwordHash: String, createdAt: Date) {
        self.name = name
        self.role = role
        self.passwordHash = passwordHash
        self.createdAt = createdAt
    }

    /// Names are short, printable and free of spaces so they read well in the action log.
    public static func isValidName(_ name: String) -> Bool {
        (1...64).contains(name.count) && name.unicodeScalars.allSatisfy {
            CharacterSet.alphanumerics.contains($0) || "._-@".unicodeScalars.contains($0)
        }
    }
}

/// The console's search over both directions.
public struct ConsoleQuery: Sendable, Equatable {
    public enum Direction: String, Sendable, CaseIterable { case outbound, inbound }
    public var direction: Direction = .outbound
    public var state: MessageState?
    public var destination: String?
    public var sender: String?
    public var createdFrom: Date?
    public var createdBefore: Date?
    /// Matched against the subject and the DocumentId (substring, case as stored).
    public var text: String?
    public var offset: Int = 0
    public var limit: Int = 50

    public init() {}
}

/// One row of the console's queue page, outbound or inbound.
public struct ConsoleRow: Sendable, Equatable {
    public var id: String
    public var direction: ConsoleQuery.Direction
    public var documentID: String
    public var from: String
    public var to: String
    public var subject: String
    /// The delivery state for outbound rows; `received` or `acknowledged` for inbound ones.
    public var state: String
    public var attempts: Int
    public var createdAt: Date
    public var lastReasonCode: String?
}

public struct ConsolePage: Sendable, Equatable {
    public var rows: [ConsoleRow]
    public var total: Int
}

/// Attempts over a window, for "deliveries and failures over the last hour".
public struct AttemptTally: Sendable, Equatable {
    public var delivered: Int
    public var failed: Int
}

/// Failed attempts grouped by reason code, most recent first.
public struct ReasonGroup: Sendable, Equatable {
    public var reasonCode: String
    public var count: Int
    public var lastAt: Date
    public var lastReason: String
}
