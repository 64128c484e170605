import Foundation

/// `Content-Disposition: attachment` for a file whose name comes from an envelope, that is from
/// a sender: an ASCII `filename` with nothing that could end or escape the quoted string, and
/// the exact name in RFC 5987's `filename*` for clients that read it.
enum ContentDisposition {
    /// What `filename*` may carry unencoded: ASCII letters, digits and `-._~` (Foundation's
    /// `.alphanumerics` would let non-ASCII letters through).
    private static let attributeCharacters = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    static func attachment(fileName name: String) -> String {
        let fallback = String(name.unicodeScalars.map { scalar -> Character in
            let printableASCII = scalar.isASCII && (0x20..<0x7F).contains(scalar.value)
            return printableASCII && scalar != "\"" && scalar != "\\" ? Character(scalar) : "_"
        })
        let encoded = name.addingPercentEncoding(withAllowedCharacters: attributeCharacters) ?? ""
        return "attachment; filename=\"\(fallback)\"; filename*=UTF-8''\(encoded)"
    }
}
