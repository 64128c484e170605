import EdXML
import Foundation
import LibXML
import Testing
import XMLDSig
@testable import Gateway

/// The bus's hop is spliced into the sender's bytes right before the TraceHeaderList end tag the
/// parser read; the result must stay well-formed, keep a signature valid, and never land in a
/// comment that merely contains the end tag's text.
@Suite("bus: the hop spliced into a routed envelope")
struct BusTraceTests {
    let trace = BusTrace(organId: "000.00.00.BUS", limits: .default)
    let at = Date(timeIntervalSince1970: 1_800_000_000)

    func parsed(_ bytes: [UInt8]) throws -> ParsedInput {
        try EdXMLReader(limits: .default).parse(Data(bytes))
    }

    func traces(in bytes: [UInt8]) throws -> [String] {
        let document = try XMLDocument(parsing: bytes)
        let list = try #require(document.root?.child(named: "edXMLEnvelope")?.child(named: "edXMLHeader")?
            .child(named: "TraceHeaderList"))
        return list.children(named: "TraceHeader").compactMap { $0.child(named: "OrganId")?.text }
    }

    @Test("an unsigned envelope gets a TraceHeader element at the end of its list")
    func unsignedGetsAnElement() throws {
        let envelope = try Envelopes.document(from: SharedPKI.a, to: [SharedPKI.b], number: 1, signed: false)
        let hop = trace.append(to: envelope, parsed: try parsed(envelope), signed: false, at: at)
        #expect(hop.placement == .element)
        #expect(try traces(in: hop.bytes) == [SharedPKI.a, "000.00.00.BUS"])
    }

    @Test("a signed envelope gets the hop as a comment and its signature still verifies on the delivered bytes")
    func signedGetsACommentAndStillVerifies() throws {
        let envelope = try Envelopes.document(from: SharedPKI.a, to: [SharedPKI.b], number: 2)
        let hop = trace.append(to: envelope, parsed: try parsed(envelope), signed: true, at: at)
        #expect(hop.placement == .comment)
        let text = String(decoding: hop.bytes, as: UTF8.self)
        #expect(text.contains("<!--bus TraceHeader: OrganId=000.00.00.BUS Timestamp="))
        #expect(try traces(in: hop.bytes) == [SharedPKI.a])
        let verdict = try SharedPKI.verifier.verify(document: try XMLDocument(parsing: hop.bytes))
        #expect(verdict.isValid, "\(verdict.summary)")
    }

    @Test("a bus OrganId with markup characters is escaped in the element and cannot end the comment")
    func organIdIsEscaped() throws {
        let odd = BusTrace(organId: "B&<U>--S", limits: .default)
        let unsigned = try Envelopes.document(from: SharedPKI.a, to: [SharedPKI.b], number: 6, signed: false)
        let element = odd.append(to: unsigned, parsed: try parsed(unsigned), signed: false, at: at)
        #expect(try traces(in: element.bytes) == [SharedPKI.a, "B&<U>--S"])
        let signed = try Envelopes.document(from: SharedPKI.a, to: [SharedPKI.b], number: 7)
        let comment = odd.append(to: signed, parsed: try parsed(signed), signed: true, at: at)
        #expect(String(decoding: comment.bytes, as: UTF8.self).contains("<!--bus TraceHeader: OrganId=B&amp;&lt;U&gt;- -S Timestamp="))
        let verdict = try SharedPKI.verifier.verify(document: try XMLDocument(parsing: comment.bytes))
        #expect(verdict.isValid, "\(verdict.summary)")
    }

    @Test("an end tag's text inside an earlier comment does not attract the hop")
    func decoyInACommentIsIgnored() throws {
        let envelope = try Envelopes.document(from: SharedPKI.a, to: [SharedPKI.b], number: 3, signed: false)
        let text = String(decoding: envelope, as: UTF8.self)
        let header = try #require(text.range(of: "<edXML:edXMLHeader>"))
        var decoyed = text
        decoyed.insert(contentsOf: "<!-- </edXML:TraceHeaderList> -->", at: header.upperBound)
        let bytes = Array(decoyed.utf8)
        let hop = trace.append(to: bytes, parsed: try parsed(bytes), signed: false, at: at)
        #expect(hop.placement == .element)
        #expect(try traces(in: hop.bytes) == [SharedPKI.a, "000.00.00.BUS"])
        #expect(String(decoding: hop.bytes, as: UTF8.self).contains("<!-- </edXML:TraceHeaderList> -->"))
    }

    @Test("junk before the XML declaration shifts the splice with it")
    func junkBeforeTheDeclaration() throws {
        let envelope = Array("\r\n\r\n".utf8) + (try Envelopes.document(from: SharedPKI.a, to: [SharedPKI.b], number: 4, signed: false))
        let input = try parsed(envelope)
        #expect(input.skippedBytes == 4)
        let hop = trace.append(to: envelope, parsed: input, signed: false, at: at)
        #expect(hop.placement == .element)
        #expect(try traces(in: Array(hop.bytes.dropFirst(4))) == [SharedPKI.a, "000.00.00.BUS"])
    }

    @Test("an envelope declared in ISO-8859-1 takes the checked fallback and still gets its hop")
    func nonUTF8EnvelopeFallsBack() throws {
        let utf8 = String(decoding: try Envelopes.document(from: SharedPKI.a, to: [SharedPKI.b], number: 5, signed: false),
                          as: UTF8.self)
        let latin = utf8.replacingOccurrences(of: "encoding=\"UTF-8\"", with: "encoding=\"ISO-8859-1\"")
            .replacingOccurrences(of: "Hà Nội", with: "Ha Noi").replacingOccurrences(of: "Công văn", with: "Cong van")
        #expect(latin.contains("ISO-8859-1"))
        let bytes = Array(latin.utf8)
        let input = try parsed(bytes)
        let list = try #require(input.document.root?.child(named: "edXMLEnvelope")?.child(named: "edXMLHeader")?
            .child(named: "TraceHeaderList"))
        #expect(input.endOffset(ofTraceList: list) == nil)
        let hop = trace.append(to: bytes, parsed: input, signed: false, at: at)
        #expect(hop.placement == .element)
        #expect(try traces(in: hop.bytes) == [SharedPKI.a, "000.00.00.BUS"])
    }

    @Test("only an exact end tag ending at the offset is accepted as the splice point")
    func endTagRecognition() {
        let bytes = Array("<a><x:TraceHeaderList></x:TraceHeaderList \n></a>".utf8)
        let end = bytes.firstIndex(of: UInt8(ascii: "\n"))! + 2
        #expect(BusTrace.endTagStart(endingAt: end, in: bytes, prefix: "x") == 22)
        #expect(BusTrace.endTagStart(endingAt: end, in: bytes, prefix: nil) == nil)
        #expect(BusTrace.endTagStart(endingAt: end - 1, in: bytes, prefix: "x") == nil)
        let empty = Array("<a><TraceHeaderList/></a>".utf8)
        #expect(BusTrace.endTagStart(endingAt: 21, in: empty, prefix: nil) == nil)
        #expect(BusTrace.endTagStart(endingAt: 999, in: empty, prefix: nil) == nil)
    }
}
