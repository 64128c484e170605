import Testing
@testable import Gateway

/// A download's file name comes from the envelope, that is from its sender.
@Suite("Content-Disposition of a sender's file name")
struct ContentDispositionTests {
    @Test("the quoted name keeps only printable ASCII other than quote and backslash; the exact name goes in filename*",
          arguments: [
              ("công văn.pdf", #"attachment; filename="c_ng v_n.pdf"; filename*=UTF-8''c%C3%B4ng%20v%C4%83n.pdf"#),
              (#"a"b\c.pdf"#, #"attachment; filename="a_b_c.pdf"; filename*=UTF-8''a%22b%5Cc.pdf"#),
              ("x\u{7F}\u{1}\ty.pdf", #"attachment; filename="x___y.pdf"; filename*=UTF-8''x%7F%01%09y.pdf"#),
              ("plain-1_2.pdf", #"attachment; filename="plain-1_2.pdf"; filename*=UTF-8''plain-1_2.pdf"#),
          ])
    func fileNames(_ name: String, _ expected: String) {
        #expect(ContentDisposition.attachment(fileName: name) == expected)
    }
}
