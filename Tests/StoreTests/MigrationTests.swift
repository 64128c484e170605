import Foundation
import GRDB
import LibCrypto
import Testing
import TestSupport
@testable import Store

@Suite struct MigrationTests {
    @Test func anEmptyDirectoryGetsTheLatestSchema() async throws {
        let directory = try TemporaryDirectory(prefix: "lienthong-migrate")
        defer { directory.remove() }
        let store = try SQLiteStore(directory: directory.url.appendingPathComponent("new"))
        let applied = try await store.appliedMigrations()
        #expect(applied == SQLiteSchema.migrator.migrations, "every registered migration, in order")
        #expect(applied.starts(with: ["v1-messages", "v2-breakers-and-counts", "v3-operator-accounts"]))
        _ = try await store.enqueue(OutboundSubmission(documentID: "d", from: "F", to: ["T"], envelope: Data("x".utf8)))
        #expect(try await store.stats().byState[.queued] == 1)
    }

    /// A store written by the first schema (messages but no breaker table or counters) opens,
    /// is migrated in place, and its messages are counted and deliverable.
    @Test func aStoreFromThePreviousSchemaIsMigratedWithItsMessages() async throws {
        let directory = try TemporaryDirectory(prefix: "lienthong-migrate")
        defer { directory.remove() }
        try await Self.writeStore(in: directory, upTo: "v1-messages",
                                  messages: [("OLD1", "T", "queued"), ("OLD2", "T", "dead"), ("OLD3", "T", "queued")]) { db in
            let counted = try db.tableExists("queue_counts")
            #expect(!counted)
        }
        let store = try SQLiteStore(directory: directory.url)
        #expect(try await store.appliedMigrations().last == SQLiteSchema.latestVersion)
        let stats = try await store.stats()
        #expect(stats.byState[.queued] == 2)
        #expect(stats.byState[.dead] == 1)
        #expect(stats.byDestination["T"]?[.dead] == 1)
        let claims = try await store.claim(worker: "w", limit: 10, leaseDuration: .seconds(10))
        #expect(Set(claims.map(\.message.id)) == ["OLD1", "OLD3"])
        #expect(try await store.stats().byState[.sending] == 2)
    }

    /// A v9 store (counts of every state kept by triggers) keeps its figures through v10.
    @Test func aV9StoreKeepsItsCounts() async throws {
        let directory = try TemporaryDirectory(prefix: "lienthong-migrate")
        defer { directory.remove() }
        try await Self.writeStore(in: directory, upTo: "v9-agency-registry-version", messages: [
            ("M1", "A", "queued"), ("M2", "A", "delivered"), ("M3", "B", "delivered"), ("M4", "B", "dead"), ("M5", "A", "delivered"),
        ])
        let store = try SQLiteStore(directory: directory.url)
        let stats = try await store.stats()
        #expect(stats.byDestination == ["A": [.queued: 1, .delivered: 2], "B": [.delivered: 1, .dead: 1]])
        #expect(try await store.claim(worker: "w", limit: 10, leaseDuration: .seconds(10)).map(\.message.id) == ["M1"])
    }

    /// A store in `directory` migrated only up to `version`, holding `messages` (id, destination,
    /// state) as rows written by that schema; `check` looks at it before it is closed.
    private static func writeStore(in directory: TemporaryDirectory, upTo version: String,
                                   messages: [(id: String, destination: String, state: String)],
                                   check: @escaping @Sendable (Database) throws -> Void = { _ in }) async throws {
        let pool = try DatabasePool(path: directory.file("queue.sqlite").path)
        try SQLiteSchema.migrator.migrate(pool, upTo: version)
        let now = Date().storeMillis
        try await pool.write { db in
            for message in messages {
                try db.execute(sql: """
                    INSERT INTO messages (id, submission_id, document_id, sender, destination, subject, kind, blob_sha256,
                        blob_size, state, created_at, age_origin, state_changed_at, due_at)
                    VALUES (?, 'S', 'D', 'F', ?, '', 'edoc', 'abc', 1, ?, ?, ?, ?, ?)
                    """, arguments: [message.id, message.destination, message.state, now, now, now, now])
            }
        }
        try await pool.read(check)
    }

    /// v12 names each status's document by its sender too: a v11 status has none, and stays on
    /// the timeline of every document with its DocumentId, as it was shown before.
    @Test func statusesOfAV11StoreKeepShowing() async throws {
        let directory = try TemporaryDirectory(prefix: "lienthong-migrate")
        defer { directory.remove() }
        try await Self.writeStore(in: directory, upTo: "v11-seen-signatures", messages: [])
        let pool = try DatabasePool(path: directory.file("queue.sqlite").path)
        try await pool.write { db in
            try db.execute(sql: "INSERT INTO statuses (document_id, code, organ_id, description, at) VALUES ('D', '01', 'H41', '', 0)")
        }
        try pool.close()
        let store = try SQLiteStore(directory: directory.url)
        #expect(try await store.appliedMigrations().contains("v12-status-document-sender"))
        #expect(try await store.timeline(ofDocument: "D", sentBy: "000.00.00.G22").map(\.code) == ["01"])
        try await store.recordStatus(StatusEvent(documentID: "D", documentSender: "000.00.00.G23", code: "03", organID: "H41", at: Date()))
        #expect(try await store.timeline(ofDocument: "D", sentBy: "000.00.00.G22").map(\.code) == ["01"])
        #expect(try await store.timeline(ofDocument: "D", sentBy: "000.00.00.G23").map(\.code) == ["01", "03"])
    }

    /// v8 moves inline envelopes to a table in arrival order: a v7 store's envelopes still read
    /// back, and an envelope queued again is still kept once.
    @Test func inlineEnvelopesOfAV7StoreSurviveV8() async throws {
        let directory = try TemporaryDirectory(prefix: "lienthong-migrate")
        defer { directory.remove() }
        let envelope = Data("<edXMLEnvelope>v7</edXMLEnvelope>".utf8)
        let digest = SHA256Hasher.hexDigest(envelope)
        do {
            let pool = try DatabasePool(path: directory.file("queue.sqlite").path)
            try SQLiteSchema.migrator.migrate(pool, upTo: "v7-inline-blobs")
            let now = Date().storeMillis
            try await pool.write { db in
                try db.execute(sql: "INSERT INTO inline_blobs (sha256, data, created_at) VALUES (?, ?, ?)",
                               arguments: [digest, envelope, now])
                try db.execute(sql: """
                    INSERT INTO messages (id, submission_id, document_id, sender, destination, subject, kind, blob_sha256,
                        blob_size, state, created_at, age_origin, state_changed_at, due_at)
                    VALUES ('OLD1', 'S', 'D', 'F', 'T', '', 'edoc', ?, ?, 'queued', ?, ?, ?, ?)
                    """, arguments: [digest, envelope.count, now, now, now, now])
            }
        }
        let store = try SQLiteStore(directory: directory.url, options: StoreOptions(unreadEnvelopeBudget: 0))
        #expect(try await store.envelope(ofMessage: "OLD1") == envelope)
        let again = try await store.enqueue(OutboundSubmission(documentID: "D2", from: "F", to: ["T"], envelope: envelope))
        #expect(try await store.envelope(ofMessage: again.messages[0].messageID) == envelope)
        let copies = try await store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inline_blobs") }
        #expect(copies == 1)
    }

    /// v13 keeps each document's recipients apart from the queue: a v12 store's submissions get
    /// them from the messages it still holds (statuses and webhook copies none), and its
    /// documents are marked as sent before the record, whose recipients cannot be told.
    @Test func recipientsOfAV12StoresDocumentsAreRecorded() async throws {
        let directory = try TemporaryDirectory(prefix: "lienthong-migrate")
        defer { directory.remove() }
        try await Self.writeStore(in: directory, upTo: "v12-status-document-sender",
                                  messages: [("M1", "T1", "delivered"), ("M2", "T2", "queued")])
        let pool = try DatabasePool(path: directory.file("queue.sqlite").path)
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO messages (id, submission_id, document_id, sender, destination, subject, kind, blob_sha256,
                    blob_size, state, created_at, age_origin, state_changed_at, due_at)
                VALUES ('M3', 'S2', 'D', 'F', 'T3', '', 'status', 'abc', 1, 'queued', 0, 0, 0, 0)
                """)
            try db.execute(sql: """
                INSERT INTO submissions (id, unit, document_id, sender, subject, kind, reference, created_at)
                VALUES ('S', 'office', 'D', 'F', '', 'edoc', '', 0), ('PURGED', 'office', 'D0', 'F', '', 'edoc', '', 0)
                """)
        }
        try pool.close()
        let store = try SQLiteStore(directory: directory.url)
        #expect(Set(try await store.submission(id: "S", unit: "office")?.recipients ?? []) == ["T1", "T2"])
        #expect(try await store.submission(id: "PURGED", unit: "office")?.recipients == [], "purged before v13: nothing to name")
        // Deliveries purged before v13 are missing from what the queue still held: such a
        // document's recipients are unknown, so nothing is refused against a partial list,
        // even once it is sent again to someone else.
        #expect(try store.recipients(ofDocument: "D", sentBy: "F").isEmpty)
        _ = try await store.enqueue(OutboundSubmission(documentID: "D", from: "F", to: ["T4"], envelope: Data("again".utf8)))
        #expect(try store.recipients(ofDocument: "D", sentBy: "F").isEmpty)
        _ = try await store.enqueue(OutboundSubmission(documentID: "D2", from: "F", to: ["T4"], envelope: Data("new".utf8)))
        #expect(try store.recipients(ofDocument: "D2", sentBy: "F") == ["T4"])
    }

    @Test func openingTwiceRunsNothingAgain() async throws {
        let directory = try TemporaryDirectory(prefix: "lienthong-migrate")
        defer { directory.remove() }
        _ = try SQLiteStore(directory: directory.url)
        let again = try SQLiteStore(directory: directory.url)
        #expect(try await again.appliedMigrations() == SQLiteSchema.migrator.migrations)
    }
}
