import Foundation
import LibCrypto
import GRDB

/// A submission whose envelope is already a durable blob, waiting for its rows to commit.
struct PreparedSubmission: Sendable {
    var submission: OutboundSubmissionSummary
    var blob: PreparedBlob
    var fingerprint: String
}

/// The submission without its bytes (they are in the blob by now).
struct OutboundSubmissionSummary: Sendable {
    var documentID: String
    var from: String
    var to: [String]
    var subject: String
    var kind: String
    var idempotencyKey: String?
    var submitter: Submitter?
    var handOff: HandOff?
}

/// File work that blocks (fsync) runs off Swift's cooperative threads, on `BlockingIOPool`.
func offloaded<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await BlockingIOPool.shared.run(work)
}

extension SQLiteStore {
    public func enqueue(_ submission: OutboundSubmission) async throws -> EnqueueReceipt {
        let prepared = try await prepare(submission)
        let (clock, policy) = (self.clock, self.policy)
        let receipt = try await write(mustSync: true) { db in
            try Self.insert(prepared, now: clock.now().storeMillis, policy: policy, db: db)
        }
        keepUnread(submission.envelope, of: receipt)
        return receipt
    }

    /// The submission, checked, with its envelope ready (bytes for the transaction, or a synced file).
    func prepare(_ submission: OutboundSubmission) async throws -> PreparedSubmission {
        try Self.validate(submission)
        let blob = try await prepareBlob(submission.envelope)
        let fingerprint = submission.requestFingerprint
            ?? SHA256Hasher.hexDigest(Data(([blob.sha256, submission.from] + submission.to).joined(separator: "\n").utf8))
        let summary = OutboundSubmissionSummary(documentID: submission.documentID, from: submission.from,
                                                to: submission.to, subject: submission.subject,
                                                kind: submission.kind, idempotencyKey: submission.idempotencyKey,
                                                submitter: submission.submitter, handOff: submission.handOff)
        return PreparedSubmission(submission: summary, blob: blob, fingerprint: fingerprint)
    }

    /// Keeps a just-committed envelope for its messages' first read (see `UnreadEnvelopes`).
    func keepUnread(_ envelope: Data, of receipt: EnqueueReceipt) {
        guard !receipt.replayed, envelope.count <= options.inlineBlobLimit else { return }
        unreadEnvelopes.keep(envelope, for: receipt.messages.map(\.messageID))
    }

    static func validate(_ submission: OutboundSubmission) throws {
        guard !submission.documentID.isEmpty else {
            throw StoreError("queue.submission_invalid", "the submission has no document id")
        }
        guard !submission.to.isEmpty, !submission.to.contains(where: \.isEmpty) else {
            throw StoreError("queue.submission_invalid", "the submission names no destination (or an empty one)")
        }
        guard Set(submission.to).count == submission.to.count else {
            throw StoreError("queue.submission_invalid", "the submission names a destination twice")
        }
    }

    static func insert(_ prepared: PreparedSubmission, now: Int64, policy: QueuePolicy, db: Database) throws -> EnqueueReceipt {
        let submission = prepared.submission
        if let key = submission.idempotencyKey,
           let seen = try idempotencyRecord(db, key: key) {
            guard seen.fingerprint == prepared.fingerprint else { throw StoreError.idempotencyConflict(key) }
            return try replayedReceipt(db, submissionID: seen.submissionID)
        }
        let submissionID = MessageID.make(at: Date(storeMillis: now))
        try prepared.blob.insert(db, now: now)
        var handing = try submission.handOff.flatMap { $0.limit > 0 ? try HandingOff($0, db: db, now: now) : nil }
        var deliveries: [EnqueueReceipt.Delivery] = []
        var handedOff: [ClaimedMessage] = []
        for destination in submission.to {
            let message = QueuedMessage(id: MessageID.make(at: Date(storeMillis: now)), submissionID: submissionID,
                                        submission: submission, blob: prepared.blob, destination: destination, now: now)
            if let claim = try handing?.claim(message, policy: policy.retry(for: destination), db: db) {
                handedOff.append(claim)
            } else {
                try message.insertQueued(db)
            }
            deliveries.append(.init(messageID: message.id, destination: destination))
        }
        try recordRecipients(of: submission, now: now, db: db)
        if let submitter = submission.submitter {
            try insertSubmitter(submitter, submissionID: submissionID, submission: submission, now: now, db: db)
        }
        if let key = submission.idempotencyKey {
            try db.cachedStatement(sql: "INSERT INTO idempotency_keys (key, fingerprint, submission_id, created_at) VALUES (?, ?, ?, ?)")
                .execute(arguments: [key, prepared.fingerprint, submissionID, now])
        }
        return EnqueueReceipt(submissionID: submissionID, messages: deliveries, replayed: false, handedOff: handedOff)
    }

    /// The message's envelope; an inline blob comes with the row in one read.
    public func envelope(ofMessage id: String) async throws -> Data {
        if let unread = unreadEnvelopes.take(id) { return unread }
        let found = try lookups.readOneStatement { db in
            try db.cachedStatement(sql: """
                SELECT m.blob_sha256, b.data FROM messages m LEFT JOIN inline_blobs b ON b.sha256 = m.blob_sha256
                WHERE m.id = ?
                """).decodeFirst(arguments: [id]) { row -> (sha256: String, inline: Data?) in (row[0], row[1]) }
        }
        guard let found else { throw StoreError.notFound(id) }
        if let inline = found.inline { return inline }
        return try await readBlob(found.sha256)
    }
}
