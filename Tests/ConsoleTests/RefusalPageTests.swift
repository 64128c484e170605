import Foundation
import Store
import Testing
import TestSupport

/// `/console/refusals`: what the inbound pipeline refused, kept for the operator.
@Suite struct RefusalPageTests {
    @Test func refusalsAreListedWithTheirReasonAndTheirEnvelopeDownloads() async throws {
        let fixture = try await ConsoleFixture()
        let refused = try await fixture.store.recordRefusal(RefusalSubmission(
            envelope: Data("<edXML>đã sửa</edXML>".utf8), reasonCode: "signature.digest_mismatch",
            reason: "the document's SHA256 digest does not match", sender: "000.00.00.H41", documentID: "D-7",
            recipients: ["000.00.00.G22"], source: "push"))
        try await fixture.test { browser in
            #expect(try await browser.get("/console/refusals").status == .seeOther, "signed in only")
            _ = try await browser.signIn("binh")
            let page = try await browser.get("/console/refusals")
            #expect(page.status == .ok)
            #expect(page.html.contains("Văn bản bị từ chối"))
            #expect(page.html.contains("signature.digest_mismatch"))
            #expect(page.html.contains("000.00.00.H41"))
            #expect(page.html.contains("/console/refusals/\(refused.id)/edxml"))
            let download = try await browser.get("/console/refusals/\(refused.id)/edxml")
            #expect(download.status == .ok)
            #expect(download.html == "<edXML>đã sửa</edXML>")
            #expect(try await browser.get("/console/refusals/NOPE/edxml").status == .notFound)
        }
    }
}
