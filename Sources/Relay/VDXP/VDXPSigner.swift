import Foundation
import LibCrypto

/// The VDXP authentication headers, as the bus's reference SDK builds them: the call's headers
/// plus `systemid` and `timestamp`, each repeated as `XroadVnpt-<name>`; the names joined by `;`
/// in `XroadVnpt-sign-header-key`; the JSON object of the `XroadVnpt-<name>` copies in
/// `XroadVnpt-sign-header`; hex HMAC-SHA256(secret, that JSON text) in `XroadVnpt-hash-header`.
/// The bus recomputes the HMAC over the JSON text it receives, so the text sent is the text signed.
struct VDXPSigner: Sendable {
    let credentials: VDXPCredentials
    let protocolVersion: String

    func sign(_ callHeaders: [HTTPField], at date: Date) -> [HTTPField] {
        let signed = [HTTPField("systemid", credentials.systemId), HTTPField("timestamp", Self.timestamp(date))] + callHeaders
        let copies = signed.map { HTTPField("XroadVnpt-\($0.name)", $0.value) }
        let json = OrderedJSON.object(copies.map { ($0.name, $0.value) })
        let hash = HMACSHA256.hex(key: credentials.secret, message: Array(json.utf8))
        return signed + copies + [
            HTTPField("XroadVnpt-sign-header-key", signed.map(\.name).joined(separator: ";")),
            HTTPField("XroadVnpt-sign-header", json),
            HTTPField("XroadVnpt-hash-header", hash),
            HTTPField("XroadVnpt-version", protocolVersion),
        ]
    }

    /// `ddMMyyyy'T'HHmmss+SSSS` in Vietnam time (UTC+7, no daylight saving): the SDK formats the
    /// local clock of a machine in Vietnam; `+` is a literal and `SSSS` the milliseconds on 4 digits.
    static func timestamp(_ date: Date) -> String {
        let millisecondsSinceEpoch = Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) + 7 * 3_600_000
        let milliseconds = Int(((millisecondsSinceEpoch % 1000) + 1000) % 1000)
        let seconds = (millisecondsSinceEpoch - Int64(milliseconds)) / 1000
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second],
                                            from: Date(timeIntervalSince1970: TimeInterval(seconds)))
        func pad(_ value: Int?, _ width: Int) -> String {
            let text = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return pad(parts.day, 2) + pad(parts.month, 2) + pad(parts.year, 4) + "T"
            + pad(parts.hour, 2) + pad(parts.minute, 2) + pad(parts.second, 2) + "+" + pad(milliseconds, 4)
    }
}

/// Compact JSON text written in a fixed order (JSONSerialization does not keep key order, and
/// the signed text must be exactly the text sent).
enum OrderedJSON {
    static func object(_ members: [(String, String)]) -> String {
        "{" + members.map { string($0.0) + ":" + string($0.1) }.joined(separator: ",") + "}"
    }

    static func array(_ values: [String]) -> String {
        "[" + values.map(string).joined(separator: ",") + "]"
    }

    static func string(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{2028}", "\u{2029}": out += String(format: "\\u%04x", scalar.value)
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
