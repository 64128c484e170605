import Foundation

/// Inputs an attacker (or a broken sender) might send, each with the reason code it must get.
/// Shared by the EdXML tests (the reader) and the CLI tests (exit 65 and `error: <code>: …`).
public enum HostileInput: String, CaseIterable, Sendable {
    case externalEntity
    case parameterEntity
    case billionLaughs
    case deepNesting
    case binaryJunk
    case truncated
    case invalidUTF8
    case empty
    case notEdXML

    public var expectedReasonCode: String {
        switch self {
        case .externalEntity, .parameterEntity, .billionLaughs: "xml.doctype_forbidden"
        case .deepNesting: "xml.too_deep"
        case .binaryJunk, .truncated: "xml.malformed"
        case .invalidUTF8: "xml.invalid_encoding"
        case .empty: "xml.empty"
        case .notEdXML: "edxml.not_edxml"
        }
    }

    public var bytes: Data {
        switch self {
        case .externalEntity:
            return Data("""
            <?xml version="1.0"?>
            <!DOCTYPE edXML [<!ENTITY x SYSTEM "file:///etc/passwd">]>
            <edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">&x;</edXML>
            """.utf8)
        case .parameterEntity:
            return Data("""
            <?xml version="1.0"?>
            <!DOCTYPE edXML [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>
            <edXML/>
            """.utf8)
        case .billionLaughs:
            var entities = "<!ENTITY lol0 \"lol\">"
            for i in 1...9 { entities += "<!ENTITY lol\(i) \"" + String(repeating: "&lol\(i - 1);", count: 10) + "\">" }
            return Data("<?xml version=\"1.0\"?>\n<!DOCTYPE edXML [\(entities)]>\n<edXML>&lol9;</edXML>".utf8)
        case .deepNesting:
            return Data(("<edXML>" + String(repeating: "<a>", count: 100_000) + String(repeating: "</a>", count: 100_000) + "</edXML>").utf8)
        case .binaryJunk:
            // A fixed pseudo-random run of bytes (a PNG header, then noise): no XML at all.
            var generator = SeededGenerator(seed: 0xBADC0DE)
            return Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) })
        case .truncated:
            return Data("""
            <?xml version="1.0" encoding="UTF-8"?>
            <edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">
              <edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">
                <edXML:edXMLHeader>
                  <edXML:MessageHeader>
                    <edXML:From><edXML:OrganId>000.00.00.H41</edXML:Org
            """.utf8)
        case .invalidUTF8:
            return Data("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<edXML><Subject>".utf8) + Data([0xC3, 0x28, 0xFF, 0xFE])
                + Data("</Subject></edXML>".utf8)
        case .empty:
            return Data()
        case .notEdXML:
            return Data("<?xml version=\"1.0\"?><html><body>hello</body></html>".utf8)
        }
    }
}

/// SplitMix64: a small seeded generator, so generated inputs are the same on every run.
public struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A sparse file of `size` bytes that starts like XML: costs no disk, and reading it whole would
/// cost `size` bytes of memory. For "refused before reading" tests.
public func makeSparseFile(at url: URL, size: UInt64) throws {
    _ = FileManager.default.createFile(atPath: url.path, contents: Data("<edXML>".utf8))
    let handle = try FileHandle(forWritingTo: url)
    try handle.truncate(atOffset: size)
    try handle.close()
}
