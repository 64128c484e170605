import Foundation

/// Finding a byte sequence in a request body (multipart delimiters, an envelope's closing tag).
/// One implementation for the three places that had their own loop: `memchr` jumps to each
/// candidate first byte with the C library's vector code instead of testing every byte in Swift.
enum ByteSearch {
    /// Where `needle` starts in `haystack`, at or after `start` and (if given) starting before
    /// `start + within`; nil when it does not.
    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int, within: Int? = nil) -> Int? {
        guard let first = needle.first, start >= 0 else { return nil }
        let lastStart = haystack.count - needle.count
        let limit = within.map { min(lastStart, start + $0 - needle.count) } ?? lastStart
        guard start <= limit else { return nil }
        return haystack.withUnsafeBytes { bytes in
            needle.withUnsafeBytes { wanted in
                let base = bytes.baseAddress!
                var index = start
                while index <= limit {
                    guard let hit = memchr(base + index, Int32(first), limit - index + 1) else { return nil }
                    let candidate = base.distance(to: UnsafeRawPointer(hit))
                    if memcmp(base + candidate, wanted.baseAddress!, needle.count) == 0 { return candidate }
                    index = candidate + 1
                }
                return nil
            }
        }
    }
}
