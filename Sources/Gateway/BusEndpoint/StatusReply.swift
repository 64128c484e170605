import Foundation
import HTTPTypes

/// The status 01 in the answer to a push (docs/gateway.md, "The status 01 in the push's
/// answer"): a bus that asks for it (`X-Lienthong-Status-Reply: accept`) gets the gateway's signed
/// 01 as the push's answer and routes it as if the gateway had sent it, which spares the gateway
/// a call of its own to the bus for every document (one of the five HTTP exchanges a document
/// costs end to end).
///
/// Nothing is lost if the bus does not take it: the gateway queues the 01 leased to the answer
/// (`worker`) for `grace`. The bus confirms what it routed in a later push's
/// `X-Lienthong-Statuses-Taken`; an unconfirmed 01 (the answer lost, the bus restarted, the 01
/// refused) goes the ordinary way once its lease expires, and the bus recognises a 01 it routed
/// already as a repeat of the same call.
public enum StatusReply {
    /// On a push: the bus takes statuses in the answer (value `acceptValue`).
    public static let acceptHeader = "X-Lienthong-Status-Reply"
    public static let acceptValue = "accept"
    /// On a push: `messageId:lease` of each status the bus routed, comma-separated.
    public static let takenHeader = "X-Lienthong-Statuses-Taken"
    /// On an answer whose body is a status: its `messageId:lease`.
    public static let statusHeader = "X-Lienthong-Status"
    /// On an answer whose body is a status: the receipt's `id`, the document's inbox id.
    public static let inboxIdHeader = "X-Lienthong-Inbox-Id"
    static let acceptField = HTTPField.Name(acceptHeader)!
    static let takenField = HTTPField.Name(takenHeader)!
    static let statusField = HTTPField.Name(statusHeader)!
    static let inboxIdField = HTTPField.Name(inboxIdHeader)!

    /// The lease owner of a status handed over in an answer, as the queue's history shows it.
    public static let worker = "bus-reply"
    /// How long a status handed over in an answer waits for the bus's confirmation.
    public static let grace: Duration = .seconds(30)
    /// At most this many confirmations ride on one push (the rest wait for the next).
    public static let maxTakenPerPush = 64

    /// One status in an answer: the gateway's queued message, its lease, and the signed envelope,
    /// sent as the answer's body (`application/xml`, as the push came): no JSON around 5 KB of XML.
    public struct Status: Sendable, Equatable {
        public var taken: Taken
        public var envelope: [UInt8]

        public init(messageId: String, lease: String, envelope: [UInt8]) {
            taken = Taken(messageId: messageId, lease: lease)
            self.envelope = envelope
        }
    }

    /// A status the bus routed, named as the gateway's answer named it.
    public struct Taken: Sendable, Equatable {
        public var messageId: String
        public var lease: String

        public init(messageId: String, lease: String) {
            self.messageId = messageId
            self.lease = lease
        }

        var headerItem: String { "\(messageId):\(lease)" }

        /// `messageId:lease` (spaces around it allowed, as after a list's comma), or nil when
        /// malformed. Read by hand: Foundation's `trimmingCharacters` was 0.7 % of the bus.
        init?(headerItem: Substring) {
            let item = headerItem.drop { $0 == " " || $0 == "\t" }.prefix { $0 != " " && $0 != "\t" }
            guard let colon = item.firstIndex(of: ":") else { return nil }
            let messageId = item[..<colon], lease = item[item.index(after: colon)...]
            guard !messageId.isEmpty, !lease.isEmpty, !lease.contains(":") else { return nil }
            self.init(messageId: String(messageId), lease: String(lease))
        }
    }

    public static func takenHeaderValue(_ taken: [Taken]) -> String {
        taken.map(\.headerItem).joined(separator: ",")
    }

    /// The header's items; malformed ones are skipped (the gateway then sends those statuses itself).
    public static func parseTaken(_ value: String?) -> [Taken] {
        guard let value else { return [] }
        return value.split(separator: ",").prefix(maxTakenPerPush).compactMap(Taken.init(headerItem:))
    }
}
