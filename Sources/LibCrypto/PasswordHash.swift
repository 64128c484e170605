import COpenSSL
import Foundation

/// Salted, deliberately slow password hashes (scrypt through OpenSSL's `EVP_PBE_scrypt`), in a
/// self-describing string `scrypt$N$r$p$salt-hex$hash-hex` so parameters can grow later without
/// invalidating stored hashes.
public enum PasswordHash {
    public struct Parameters: Sendable, Equatable {
        public var n: UInt64
        public var r: UInt64
        public var p: UInt64
        /// N = 2^15, r = 8, p = 1: OWASP's scrypt minimum, about 32 MiB and tens of milliseconds.
        public static let standard = Parameters(n: 1 << 15, r: 8, p: 1)
        public init(n: UInt64, r: UInt64, p: UInt64) { self.n = n; self.r = r; self.p = p }
    }

    static let hashLength = 32
    static let maxMemory: UInt64 = 256 * 1024 * 1024

    /// A new hash of `password` with a fresh random salt.
    public static func make(_ password: String, parameters: Parameters = .standard) -> String {
        var salt = [UInt8](repeating: 0, count: 16)
        guard RAND_bytes(&salt, Int32(salt.count)) == 1 else { fatalError("OpenSSL could not produce random bytes") }
        guard let hash = scrypt(password, salt: salt, parameters: parameters) else {
            fatalError("OpenSSL refused scrypt parameters \(parameters)")
        }
        return "scrypt$\(parameters.n)$\(parameters.r)$\(parameters.p)$\(hex(salt))$\(hex(hash))"
    }

    /// Whether `password` matches `encoded`; a malformed or unknown encoding never matches.
    public static func verify(_ password: String, against encoded: String) -> Bool {
        let parts = encoded.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "scrypt",
              let n = UInt64(parts[1]), let r = UInt64(parts[2]), let p = UInt64(parts[3]),
              n > 1, n <= 1 << 20, (1...32).contains(r), (1...16).contains(p),
              let salt = bytes(fromHex: parts[4]), let expected = bytes(fromHex: parts[5]), expected.count == hashLength,
              let actual = scrypt(password, salt: salt, parameters: Parameters(n: n, r: r, p: p))
        else { return false }
        return CRYPTO_memcmp(actual, expected, hashLength) == 0
    }

    /// Random bytes as hex, for session and CSRF tokens.
    public static func randomToken(bytes count: Int = 32) -> String {
        var bytes = [UInt8](repeating: 0, count: count)
        guard RAND_bytes(&bytes, Int32(count)) == 1 else { fatalError("OpenSSL could not produce random bytes") }
        return hex(bytes)
    }

    /// Compares two strings in time independent of where they differ.
    public static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count, !x.isEmpty else { return false }
        return CRYPTO_memcmp(x, y, x.count) == 0
    }

    private static func scrypt(_ password: String, salt: [UInt8], parameters: Parameters) -> [UInt8]? {
        // NUL-terminated so an empty password still has a valid pointer; the length excludes it.
        let passwordChars = Array(password.utf8CString)
        var output = [UInt8](repeating: 0, count: hashLength)
        let status = EVP_PBE_scrypt(passwordChars, passwordChars.count - 1, salt, salt.count,
                                    parameters.n, parameters.r, parameters.p, maxMemory, &output, hashLength)
        return status == 1 ? output : nil
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    private static func bytes(fromHex text: Substring) -> [UInt8]? {
        guard text.count % 2 == 0, !text.isEmpty else { return nil }
        var result = [UInt8]()
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            guard let byte = UInt8(text[index..<next], radix: 16) else { return nil }
            result.append(byte)
            index = next
        }
        return result
    }
}
