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
}

/// File work that blocks (fsync) runs off Swift's cooperative threads, on `BlockingIOPool`.
func offloaded<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await BlockingIOPool.shared.run(work)
}

extension SQLiteStore {
    public func enqueue(_ submission: OutboundSubmission) async throws -> EnqueueReceipt {
        try Self.validate(submission)
        let blob = try await prepareBlob(submission.envelope)
        let fingerprint = submission.requestFingerprint
            ?? SHA256Hasher.hexDigest(Data(([blob.sha256, submission.from] + submission.to).joined(separator: "\n").utf8))
        let summary = OutboundSubmissionSummary(documentID: submission.documentID, from: submission.from,
                                                to: submission.to, subject: submission.subject,
                                                kind: submission.kind, idempotencyKey: submission.idempotencyKey,
                                                submitter: submission.submitter)
        return try await enqueuer.submit(PreparedSubmission(submission: summary, blob: blob, fingerprint: fingerprint))
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

    /// One transaction for the whole batch; each submission in its own savepoint so one refused
    /// (an idempotency conflict) does not undo the others.
    static func commit(_ batch: [PreparedSubmission], pool: DatabasePool,
                       clock: any StoreClock) async -> [Result<EnqueueReceipt, any Error>] {
        do {
            return try await pool.write { db in
                let now = clock.now().storeMillis
                return batch.map { prepared in
                    Result {
                        var receipt: EnqueueReceipt?
                        try db.inSavepoint {
                            receipt = try insert(prepared, now: now, db: db)
                            return .commit
                        }
                        return receipt!
                    }
                }
            }
        } catch {
            let failure = StoreError("store.unavailable", "the queue could not commit: \(error)")
            return batch.map { _ in .failure(failure) }
        }
    }

    private static func insert(_ prepared: PreparedSubmission, now: Int64, db: Database) throws -> EnqueueReceipt {
        let submission = prepared.submission
        if let key = submission.idempotencyKey,
           let seen = try Row.fetchOne(db, sql: "SELECT fingerprint, submission_id FROM idempotency_keys WHERE key = ?",
                                       arguments: [key]) {
            guard seen["fingerprint"] as String == prepared.fingerprint else { throw StoreError.idempotencyConflict(key) }
            let submissionID: String = seen["submission_id"]
            let rows = try Row.fetchAll(db, sql: "SELECT id, destination FROM messages WHERE submission_id = ? ORDER BY id",
                                        arguments: [submissionID])
            return EnqueueReceipt(submissionID: submissionID,
                                  messages: rows.map { .init(messageID: $0["id"], destination: $0["destination"]) },
                                  replayed: true)
        }
        let submissionID = MessageID.make(at: Date(storeMillis: now))
        try prepared.blob.insert(db, now: now)
        var deliveries: [EnqueueReceipt.Delivery] = []
        for destination in submission.to {
            let id = MessageID.make(at: Date(storeMillis: now))
            // Cached statements: a group commit runs these many times in one transaction.
            try db.cachedStatement(sql: """
                INSERT INTO messages (id, submission_id, document_id, sender, destination, subject, kind,
                    blob_sha256, blob_size, state, created_at, age_origin, state_changed_at, due_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?)
                """).execute(arguments: [id, submissionID, submission.documentID, submission.from, destination,
                                 submission.subject, submission.kind, prepared.blob.sha256, prepared.blob.size,
                                 now, now, now, now])
            try db.cachedStatement(sql: """
                INSERT INTO state_changes (message_id, at, from_state, to_state, reason_code, actor)
                VALUES (?, ?, NULL, 'queued', 'queue.enqueued', 'store')
                """).execute(arguments: [id, now])
            deliveries.append(.init(messageID: id, destination: destination))
        }
        if let submitter = submission.submitter {
            try insertSubmitter(submitter, submissionID: submissionID, submission: submission, now: now, db: db)
        }
        if let key = submission.idempotencyKey {
            try db.execute(sql: "INSERT INTO idempotency_keys (key, fingerprint, submission_id, created_at) VALUES (?, ?, ?, ?)",
                           arguments: [key, prepared.fingerprint, submissionID, now])
        }
        return EnqueueReceipt(submissionID: submissionID, messages: deliveries, replayed: false)
    }

    public func envelope(ofMessage id: String) async throws -> Data {
        let sha = try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT blob_sha256 FROM messages WHERE id = ?", arguments: [id])
        }
        guard let sha else { throw StoreError.notFound(id) }
        return try await readBlob(sha)
    }
}
