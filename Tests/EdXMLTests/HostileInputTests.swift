import Foundation
import Testing
import EdXML
import LibXML
import TestSupport

/// Hostile input never crashes, never reads a file or the network, and gets a stable reason code.
@Suite struct HostileInputTests {
    @Test(arguments: HostileInput.allCases)
    func refusedWithItsReasonCode(_ input: HostileInput) {
        do {
            let result = try EdXMLReader().read(input.bytes)
            Issue.record("\(input) was read: \(result.message)")
        } catch let error as EdXMLError {
            #expect(error.reasonCode == input.expectedReasonCode, "\(input): \(error)")
        } catch {
            Issue.record("\(input) failed without a reason code: \(error)")
        }
    }

    @Test func externalEntityIsNeverFetched() throws {
        // The entity names a file that would exist if it were followed: the refusal comes first.
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let secret = directory.file("secret.txt")
        try Data("TOP-SECRET".utf8).write(to: secret)
        let input = Data("""
        <?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY x SYSTEM "\(secret.absoluteString)">]><edXML>&x;</edXML>
        """.utf8)
        #expect(throws: EdXMLError.self) { try EdXMLReader().read(input) }
        do { _ = try EdXMLReader().read(input) } catch let error as EdXMLError {
            #expect(!error.explanation.contains("TOP-SECRET"))
        }
    }

    @Test func fileBeyondTheSizeLimitIsRefusedBeforeReading() throws {
        // A sparse 1 GiB file: it costs no disk, and reading it whole would cost a gigabyte of memory.
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let url = directory.file("huge.edxml")
        try makeSparseFile(at: url, size: 1 << 30)
        var reader = EdXMLReader()
        reader.limits.maxBytes = 256 << 20
        #expect {
            try reader.read(contentsOf: url)
        } throws: { error in
            (error as? EdXMLError)?.reasonCode == "xml.too_large"
        }
    }

    @Test func textBeyondItsLimitIsRefused() {
        var reader = EdXMLReader()
        reader.limits.maxTextLength = 1000
        let input = Data(("<edXML><a>" + String(repeating: "x", count: 5000) + "</a></edXML>").utf8)
        #expect { try reader.read(input) } throws: { ($0 as? EdXMLError)?.reasonCode == "xml.text_too_long" }
    }

    @Test func tooManyAttributesAreRefused() {
        let attributes = (0..<200).map { "a\($0)=\"v\"" }.joined(separator: " ")
        let input = Data("<edXML \(attributes)/>".utf8)
        #expect { try EdXMLReader().read(input) } throws: { ($0 as? EdXMLError)?.reasonCode == "xml.too_many_attributes" }
    }

    @Test func edXMLWithoutEnvelopeIsRefusedWithALine() {
        let input = Data("<?xml version=\"1.0\"?>\n<edXML xmlns=\"http://www.mic.gov.vn/TBT/QCVN_102_2016\">\n</edXML>".utf8)
        #expect {
            try EdXMLReader().read(input)
        } throws: { error in
            let e = error as? EdXMLError
            return e?.reasonCode == "edxml.missing_envelope" && e?.line == 2
        }
    }

    @Test func aByteOrderMarkIsAccepted() throws {
        let body = "<edXML xmlns=\"http://www.mic.gov.vn/TBT/QCVN_102_2016\"><edXMLEnvelope><edXMLHeader><MessageHeader>"
            + "<From><OrganId>000.00.00.H41</OrganId></From><StatusCode>03</StatusCode></MessageHeader></edXMLHeader></edXMLEnvelope></edXML>"
        let result = try EdXMLReader().read(Data([0xEF, 0xBB, 0xBF]) + Data(body.utf8))
        #expect(result.message.status?.statusCode == .accepted)
    }
}
