import Foundation

/// Sortable ids (ULID form: 48-bit milliseconds then 80 random bits, Crockford base 32), short
/// enough for an operator to copy and sortable by creation time.
enum MessageID {
    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    /// The first ten characters of every id made at `date`: ids made earlier sort before it.
    static func timePrefix(of date: Date) -> String {
        String(make(at: date).prefix(10))
    }

    /// The next id after `id` in sort order (its last character counted up, carrying).
    static func successor(of id: String) -> String {
        var digits = id.map { alphabet.firstIndex(of: $0) ?? 0 }
        var index = digits.count - 1
        while index >= 0 {
            if digits[index] < 31 {
                digits[index] += 1
                break
            }
            digits[index] = 0
            index -= 1
        }
        return String(digits.map { alphabet[$0] })
    }

    static func make(at date: Date) -> String {
        var generator = SystemRandomNumberGenerator()
        let millis = UInt64(max(0, date.storeMillis))
        var chars: [Character] = []
        chars.reserveCapacity(26)
        for shift in stride(from: 45, through: 0, by: -5) {
            chars.append(alphabet[Int((millis >> UInt64(shift)) & 31)])
        }
        let high = generator.next() as UInt64
        let low = generator.next() as UInt16
        for shift in stride(from: 59, through: 0, by: -5) {
            chars.append(alphabet[Int((high >> UInt64(shift)) & 31)])
        }
        chars.append(alphabet[Int(((high & 0xF) << 1) | UInt64(low & 1))])
        chars.append(alphabet[Int((low >> 1) & 31)])
        chars.append(alphabet[Int((low >> 6) & 31)])
        chars.append(alphabet[Int((low >> 11) & 31)])
        return String(chars.prefix(26))
    }
}
