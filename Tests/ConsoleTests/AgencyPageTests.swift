import Foundation
import Store
import Testing
import TestSupport

/// `/console/agencies`: the bus's registry beside each agency's flow.
@Suite struct AgencyPageTests {
    @Test func agenciesAreListedWithHowTheyConnectAndWhatFlowsToThem() async throws {
        let fixture = try await ConsoleFixture()
        _ = try await fixture.store.saveAgency(Agency(organId: "000.00.00.A01", name: "Sở Nội vụ mẫu", parent: "000.00.00.H41",
                                                      certificateSHA256: String(repeating: "ab", count: 32),
                                                      pushEndpoint: "https://a01.example.gov.vn:8443"),
                                               actor: "test", replacing: false)
        _ = try await fixture.store.saveAgency(Agency(organId: "000.00.00.B02", name: "Sở Tài chính mẫu", systemId: "so-tc",
                                                      hmacSecret: "s3cret", state: .suspended),
                                               actor: "test", replacing: false)
        for number in 0..<3 {
            _ = try await fixture.store.enqueue(OutboundSubmission(documentID: "DOC-\(number)", from: "000.00.00.B02",
                                                                   to: ["000.00.00.A01"], envelope: Data("<edXML/>".utf8)))
        }
        try await fixture.test { browser in
            #expect(try await browser.get("/console/agencies").status == .seeOther, "signed in only")
            _ = try await browser.signIn("binh")
            let page = try await browser.get("/console/agencies")
            #expect(page.status == .ok)
            #expect(page.html.contains("Cơ quan kết nối"))
            #expect(page.html.contains("Sở Nội vụ mẫu"))
            #expect(page.html.contains("push → https://a01.example.gov.vn:8443"))
            #expect(page.html.contains("TLS SHA-256 abababababababab…"))
            #expect(page.html.contains("HMAC systemid so-tc"))
            #expect(!page.html.contains("s3cret"), "the HMAC secret never reaches a page")
            #expect(page.html.contains("Tạm ngừng"), "the suspended agency says so")
            let row = try #require(page.html.range(of: #"<tr id="a-000.00.00.A01">"#).map { String(page.html[$0.lowerBound...].prefix(700)) })
            #expect(row.contains("<td>3</td>"), "three documents wait to reach A01: \(row)")
        }
    }
}
