import Foundation
import GRDB

// The records read on the hot paths, each with the column list its initialiser reads by
// position. A query selects `columns` first (further columns after them are the caller's), so
// no row is searched for a column by name.

extension OutboundMessage {
    static let columns = """
        id, submission_id, document_id, sender, destination, subject, kind, blob_sha256, blob_size, state, \
        attempts, created_at, state_changed_at, due_at, lease_owner, last_reason_code, last_reason
        """
    /// How many columns `columns` names: the position of the first column a caller adds.
    static let columnCount = 17

    init(row: Row) throws {
        id = row[0]
        submissionID = row[1]
        documentID = row[2]
        from = row[3]
        destination = row[4]
        subject = row[5]
        kind = row[6]
        blobSHA256 = row[7]
        blobSize = row[8]
        state = try Transition.state(row[9], ofMessage: id)
        attempts = row[10]
        createdAt = Date(storeMillis: row[11])
        stateChangedAt = Date(storeMillis: row[12])
        dueAt = (row[13] as Int64?).map(Date.init(storeMillis:))
        leaseOwner = row[14]
        lastReasonCode = row[15]
        lastReason = row[16]
    }
}

extension InboundMessage {
    static let columns = """
        id, message_key, document_id, sender, recipient, subject, kind, blob_sha256, received_at, acknowledged_at, \
        verdict, recalled_at, recall_reason
        """

    init(row: Row) {
        id = row[0]
        messageKey = row[1]
        documentID = row[2]
        from = row[3]
        to = row[4]
        subject = row[5]
        kind = row[6]
        blobSHA256 = row[7]
        receivedAt = Date(storeMillis: row[8])
        acknowledgedAt = (row[9] as Int64?).map(Date.init(storeMillis:))
        verdict = row[10] ?? "unchecked"
        recalledAt = (row[11] as Int64?).map(Date.init(storeMillis:))
        recallReason = row[12]
    }
}

extension Agency {
    static let columns = """
        organ_id, name, parent, certificate_sha256, system_id, hmac_secret, push_endpoint, state, created_at, updated_at
        """

    init(row: Row) {
        self.init(organId: row[0], name: row[1], parent: row[2], certificateSHA256: row[3], systemId: row[4],
                  hmacSecret: row[5], pushEndpoint: row[6], state: State(rawValue: row[7]) ?? .suspended,
                  createdAt: Date(storeMillis: row[8]), updatedAt: Date(storeMillis: row[9]))
    }
}

extension BusMailboxEntry {
    static let columns = "message_id, recipient, sender, kind, document_id, state, created_at, updated_at"

    init(row: Row) {
        docId = row[0]
        recipient = row[1]
        sender = row[2]
        kind = row[3]
        documentID = row[4]
        state = State(rawValue: row[5]) ?? .waiting
        createdAt = Date(storeMillis: row[6])
        updatedAt = Date(storeMillis: row[7])
    }
}
