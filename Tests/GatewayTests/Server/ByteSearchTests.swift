import Testing
@testable import Gateway

/// The byte search every multipart split and the bus's hop splice rely on.
@Suite("byte search in request bodies")
struct ByteSearchTests {
    let text = Array("--b\r\nheaders\r\n\r\nbody --b-- --b".utf8)

    func find(_ needle: String, from start: Int = 0, within: Int? = nil) -> Int? {
        ByteSearch.find(Array(needle.utf8), in: text, from: start, within: within)
    }

    @Test("finds the first occurrence at or after the start, including at either end")
    func firstOccurrence() {
        #expect(find("--b") == 0)
        #expect(find("--b", from: 1) == 21)
        #expect(find("--b", from: 22) == 27)
        #expect(find("--b", from: 28) == nil)
        #expect(find("\r\n\r\n") == 12)
        #expect(find("-- --b") == 24)
    }

    @Test("a candidate that fails part-way does not hide a match starting inside it")
    func overlappingCandidates() {
        #expect(ByteSearch.find(Array("aab".utf8), in: Array("aaaab".utf8), from: 0) == 2)
        #expect(ByteSearch.find(Array("\r\n--x".utf8), in: Array("\r\n\r\n--x".utf8), from: 0) == 2)
    }

    @Test("within bounds where a match may start; too long, empty or out of range finds nothing")
    func bounds() {
        #expect(find("\r\n\r\n", from: 0, within: 16) == 12)
        #expect(find("\r\n\r\n", from: 0, within: 15) == nil)
        #expect(find("") == nil)
        #expect(find("x", from: -1) == nil)
        #expect(find("--b", from: 1000) == nil)
        #expect(ByteSearch.find(Array("longer".utf8), in: Array("long".utf8), from: 0) == nil)
        #expect(ByteSearch.find(Array("a".utf8), in: [], from: 0) == nil)
    }
}
