import Foundation

/// Sortable ids (ULID form: 48-bit milliseconds then 80 random bits, Crockford base 32), short
/// enough for an operator to copy and sortable by creation time.
enum MessageID {
    /// Crockford base 32, as ASCII bytes.
    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    /// The first ten characters of every id made at `date`: ids made earlier sort before it.
    static func timePrefix(of date: Date) -> String {
        String(make(at: date).prefix(10))
    }

    /// The next id after `id` in sort order (its last character counted up, carrying).
    static func successor(of id: String) -> String {
        var digits = id.utf8.map { alphabet.firstIndex(of: $0) ?? 0 }
        var index = digits.count - 1
        while index >= 0 {
            if digits[index] < 31 {
                digits[index] += 1
                break
            }
            digits[index] = 0
            index -= 1
        }
        return String(decoding: digits.map { alphabet[$0] }, as: UTF8.self)
    }

    static func make(at date: Date) -> String {
        var generator = SystemRandomNumberGenerator()
        let millis = UInt64(max(0, date.storeMillis))
        let high = generator.next() as UInt64
        let low = generator.next() as UInt16
        return String(unsafeUninitializedCapacity: 26) { buffer in
            var count = 0
            func put(_ digit: UInt64) { buffer[count] = alphabet[Int(digit & 31)]; count += 1 }
            for shift in stride(from: 45, through: 0, by: -5) { put(millis >> UInt64(shift)) }
            for shift in stride(from: 59, through: 0, by: -5) { put(high >> UInt64(shift)) }
            put(((high & 0xF) << 1) | UInt64(low & 1))
            put(UInt64(low >> 1))
            put(UInt64(low >> 6))
            put(UInt64(low >> 11))
            return count
        }
    }
}
