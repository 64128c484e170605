import Foundation
import GRDB
import Testing
@testable import Store

@Suite struct BlobTests {
    @Test func largeEnvelopesAreFilesNamedByTheirSHA256() async throws {
        let fixture = try StoreFixture(durability: .full, inlineBlobLimit: 8)
        let body = "<edXMLEnvelope>abc</edXMLEnvelope>"
        let id = try await fixture.store.enqueue(fixture.submission(body: body)).messages[0].messageID
        let message = try await fixture.store.detail(ofMessage: id).message
        // sha256 of the body, computed independently with sha256sum.
        #expect(message.blobSHA256 == "0b000449217ba3bd715f7c32a1ea59e1fbb0c8d45eb6ea27ef614df23d106203")
        let file = fixture.directory.url.appendingPathComponent("blobs/\(message.blobSHA256.prefix(2))/\(message.blobSHA256)")
        #expect(try Data(contentsOf: file) == Data(body.utf8))
        #expect(try await fixture.store.envelope(ofMessage: id) == Data(body.utf8))
        #expect(message.blobSize == body.utf8.count)
        #expect(fixture.store.blobs.inventory().temporaries.isEmpty)
    }

    @Test func oneDocumentToManyDestinationsIsOneBlob() async throws {
        let fixture = try StoreFixture(inlineBlobLimit: 0)
        _ = try await fixture.store.enqueue(fixture.submission(to: ["A", "B", "C"]))
        _ = try await fixture.store.enqueue(fixture.submission("doc-1", to: ["D"]))
        #expect(fixture.store.blobs.inventory().blobs.count == 1)
    }

    @Test func unreferencedBlobsAreCollectedAndReferencedOnesKept() async throws {
        let fixture = try StoreFixture(inlineBlobLimit: 0)
        let kept = try await fixture.enqueueOne("kept")
        let purged = try await fixture.enqueueOne("purged")
        let claims = try await fixture.store.claim(worker: "w", limit: 10, leaseDuration: .seconds(10))
        for claim in claims where claim.message.id == purged {
            try await fixture.store.complete(claim.lease, result: .delivered(httpStatus: 200), duration: .zero)
        }
        // A stray blob nothing names (an enqueue that died before its row committed) and a stray temporary file.
        let stray = try fixture.store.blobs.write(Data("orphan".utf8))
        try Data("partial".utf8).write(to: fixture.store.blobs.temporaryDirectory.appendingPathComponent("x.tmp"))
        #expect(fixture.store.blobs.inventory().blobs.count == 3)

        fixture.clock.advance(.seconds(1))
        let outcome = try await fixture.store.purge(deliveredBefore: fixture.clock.now(), actor: "op")
        #expect(outcome.messagesRemoved == 1)
        #expect(outcome.blobsRemoved == 2)
        let left = fixture.store.blobs.inventory()
        #expect(left.blobs.map(\.sha) == [try await fixture.store.detail(ofMessage: kept).message.blobSHA256])
        #expect(left.temporaries.isEmpty)
        #expect(!left.blobs.map(\.sha).contains(stray))
        #expect(try await fixture.store.envelope(ofMessage: kept).count > 0)
    }

    @Test func youngBlobsAreSparedByTheGracePeriod() async throws {
        let fixture = try StoreFixture(blobGrace: .seconds(3600))
        _ = try fixture.store.blobs.write(Data("in flight".utf8))
        #expect(try await fixture.store.collectBlobs(grace: .seconds(3600)) == 0)
        #expect(fixture.store.blobs.inventory().blobs.count == 1)
    }

    @Test func smallEnvelopesLiveInTheDatabaseOncePerDigestAndLeaveWithTheirLastRow() async throws {
        let fixture = try StoreFixture(durability: .full)
        let body = "<edXMLEnvelope>abc</edXMLEnvelope>"
        let first = try await fixture.store.enqueue(fixture.submission("doc-1", to: ["A", "B"], body: body))
        let second = try await fixture.store.enqueue(fixture.submission("doc-2", to: ["C"], body: body))
        #expect(fixture.store.blobs.inventory().blobs.isEmpty, "no file for a small envelope")
        let rows = try await fixture.store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT sha256, length(data) AS size FROM inline_blobs").map { ($0["sha256"] as String, $0["size"] as Int) }
        }
        #expect(rows.map(\.0) == ["0b000449217ba3bd715f7c32a1ea59e1fbb0c8d45eb6ea27ef614df23d106203"])
        #expect(rows.map(\.1) == [body.utf8.count])
        for delivery in first.messages + second.messages {
            #expect(try await fixture.store.envelope(ofMessage: delivery.messageID) == Data(body.utf8))
        }

        // Delivered and purged: the digest stays while one row still names it, then goes.
        let claims = try await fixture.store.claim(worker: "w", limit: 10, leaseDuration: .seconds(10))
        for claim in claims where claim.message.documentID == "doc-1" {
            try await fixture.store.complete(claim.lease, result: .delivered(httpStatus: 200), duration: .zero)
        }
        fixture.clock.advance(.seconds(1))
        _ = try await fixture.store.purge(deliveredBefore: fixture.clock.now(), actor: "op")
        #expect(try await fixture.store.envelope(ofMessage: second.messages[0].messageID) == Data(body.utf8))
        for claim in claims where claim.message.documentID == "doc-2" {
            try await fixture.store.complete(claim.lease, result: .delivered(httpStatus: 200), duration: .zero)
        }
        fixture.clock.advance(.seconds(1))
        let outcome = try await fixture.store.purge(deliveredBefore: fixture.clock.now(), actor: "op")
        #expect(outcome.blobsRemoved == 1)
        #expect(try await fixture.store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inline_blobs") } == 0)
    }
}
