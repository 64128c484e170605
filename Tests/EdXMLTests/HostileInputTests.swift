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

/// Damaged input, seeded: what is read is a message that writes and reads back; what is not is
/// refused with a reason code. Never a trap, whatever the damage.
@Suite struct MutatedInputTests {
    static let documentJSON = Array("""
        {"from": {"organId": "000.00.00.G22", "organName": "Văn phòng Chính phủ"},
         "to": [{"organId": "000.00.00.H41", "organName": "UBND Tỉnh Nghệ An"}],
         "code": {"number": "125", "notation": "VPCP-TTĐT"},
         "promulgation": {"place": "Hà Nội", "date": "2026/11/25"},
         "type": {"type": 1, "name": "Công văn"}, "priority": 2, "dueDate": "2026/12/01",
         "subject": "V/v thử nghiệm liên thông"}
        """.utf8)

    @Test("5,000 seeded mutations of an envelope: read, written and read back alike, or refused with a reason code")
    func mutatedEnvelopes() throws {
        let spec = try DocumentBuilder.decode(json: Self.documentJSON)
        let original = Array(try EdXMLWriter().data(for: .document(try DocumentBuilder().build(spec))))
        var random = SeededGenerator(seed: 0x5EED_ED01)
        var read = 0
        for round in 0..<5_000 {
            let (mutated, mutation) = EnvelopeMutation.apply(to: original, using: &random)
            let message: EdXMLMessage
            do {
                message = try EdXMLReader().read(Data(mutated)).message
            } catch let error as EdXMLError {
                #expect(error.reasonCode.wholeMatch(of: /[a-z0-9_]+\.[a-z0-9_]+/) != nil, "round \(round), \(mutation): \(error)")
                continue
            }
            read += 1
            let rewritten = try EdXMLWriter().data(for: message)
            let again = try EdXMLReader().read(rewritten).message
            #expect(again.from.organId?.text == message.from.organId?.text, "round \(round), \(mutation)")
            #expect(again.document?.header.subject == message.document?.header.subject, "round \(round), \(mutation)")
        }
        #expect(read > 0)
    }

    @Test("5,000 seeded mutations of a unit's document JSON: built, written and read back, or refused with a reason code")
    func mutatedDocumentJSON() throws {
        var random = SeededGenerator(seed: 0x5EED_0150)
        var built = 0
        for round in 0..<5_000 {
            let (mutated, mutation) = EnvelopeMutation.apply(to: Self.documentJSON, using: &random)
            let document: EdXMLDocument
            do {
                document = try DocumentBuilder().build(try DocumentBuilder.decode(json: mutated))
            } catch let refusal as any ReasonCoded {
                #expect(refusal.reasonCode.wholeMatch(of: /[a-z0-9_]+\.[a-z0-9_]+/) != nil, "round \(round), \(mutation): \(refusal)")
                continue
            }
            built += 1
            let written = try EdXMLWriter().data(for: .document(document))
            let again = try #require(try EdXMLReader().read(written).message.document, "round \(round), \(mutation)")
            #expect(again.header.subject == document.header.subject, "round \(round), \(mutation)")
            #expect(again.header.to.map(\.organId?.text) == document.header.to.map(\.organId?.text), "round \(round), \(mutation)")
        }
        #expect(built > 0)
    }
}
