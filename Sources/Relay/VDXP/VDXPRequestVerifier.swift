import EdXML
import Foundation
import JSONText
import LibCrypto

/// The bus's side of `VDXPSigner`: checks the `XroadVnpt-*` HMAC headers of a call and answers
/// which `systemid` they prove. The HMAC is recomputed over the `XroadVnpt-sign-header` text as
/// received (the text signed is the text sent); then every header the call relies on must be
/// among the signed names, with the same value as its signed copy, so an unsigned or altered
/// `from`, `to` or `hash-file` cannot ride on a valid signature. The timestamp must be within
/// `window` of the bus's clock, and a signature seen within the window is refused (replay).
public struct VDXPRequestVerifier: Sendable {
    public let window: Duration
    private let replays: any SignatureReplayMemory
    private let now: @Sendable () -> Date

    /// `replays` remembers accepted signatures: the bus gives its store, so that a restart
    /// forgets none.
    public init(window: Duration = .seconds(300), replays: any SignatureReplayMemory,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.window = window
        self.replays = replays
        self.now = now
    }

    /// Whether the request carries the HMAC headers at all (else another credential must do).
    public static func isSigned(_ headers: [String: String]) -> Bool {
        headers["xroadvnpt-hash-header"] != nil || headers["xroadvnpt-sign-header"] != nil
    }

    /// `headers` are the request's, names lowercased. `secret` gives the registered secret of a
    /// systemid (nil when none is registered). Throws `VDXPAuthenticationFailure`.
    public func verify(_ headers: [String: String], requiring callHeaders: [String],
                       secret: (String) async throws -> [UInt8]?) async throws -> String {
        guard let json = headers["xroadvnpt-sign-header"], let hash = headers["xroadvnpt-hash-header"],
              let names = headers["xroadvnpt-sign-header-key"] else {
            throw VDXPAuthenticationFailure(.hmacMalformed, "the XroadVnpt-sign-header, -sign-header-key and -hash-header headers are all required")
        }
        // A header named twice, even in other capitals, is refused rather than one copy chosen:
        // the bus and whatever else reads the signed text must not see different headers.
        let object: [String: JSONValue]
        do {
            guard case .object(let fields) = try JSONParser().parse(json.utf8) else {
                throw VDXPAuthenticationFailure(.hmacMalformed, "XroadVnpt-sign-header is not a JSON object")
            }
            object = fields
        } catch let error as JSONParseError {
            throw VDXPAuthenticationFailure(.hmacMalformed, "XroadVnpt-sign-header is not JSON: \(error)")
        }
        var signed: [String: String] = [:]
        for (key, value) in object {
            guard case .string(let text) = value else {
                throw VDXPAuthenticationFailure(.hmacMalformed, "XroadVnpt-sign-header holds a value for \(key) that is not a string")
            }
            guard signed.updateValue(text, forKey: key.lowercased()) == nil else {
                throw VDXPAuthenticationFailure(.hmacMalformed, "XroadVnpt-sign-header names \(key.lowercased()) twice")
            }
        }
        let signedNames = Set(names.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
        for name in ["systemid", "timestamp"] + callHeaders.map({ $0.lowercased() }) {
            guard signedNames.contains(name), let copy = signed["xroadvnpt-\(name)"] else {
                throw VDXPAuthenticationFailure(.hmacUnsignedHeader, "the header \(name) is not covered by the HMAC signature")
            }
            guard headers[name] == copy else {
                throw VDXPAuthenticationFailure(.hmacUnsignedHeader, "the header \(name) differs from its signed copy")
            }
        }
        let systemId = signed["xroadvnpt-systemid"] ?? ""
        guard let key = try await secret(systemId) else {
            throw VDXPAuthenticationFailure(.hmacUnknownSystem, "no agency is registered with the systemid \(systemId)")
        }
        let expected = HMACSHA256.hex(key: key, message: Array(json.utf8))
        guard PasswordHash.constantTimeEqual(expected, hash.lowercased()) else {
            throw VDXPAuthenticationFailure(.hmacMismatch, "XroadVnpt-hash-header is not the HMAC-SHA256 of the signed headers under the secret of \(systemId)")
        }
        let stamp = signed["xroadvnpt-timestamp"] ?? ""
        guard let sent = VDXPTimestamp.parse(stamp) else {
            throw VDXPAuthenticationFailure(.hmacStale, "the timestamp \(stamp) is not ddMMyyyy'T'HHmmss+SSSS")
        }
        let clock = now()
        let skew = abs(clock.timeIntervalSince(sent))
        guard skew <= window.vdxpSeconds else {
            throw VDXPAuthenticationFailure(.hmacStale, "the timestamp \(stamp) is \(Int(skew)) s from the bus's clock; at most \(Int(window.vdxpSeconds)) s is accepted")
        }
        guard try await replays.remember(hash.lowercased(), until: sent.addingTimeInterval(window.vdxpSeconds), now: clock) else {
            throw VDXPAuthenticationFailure(.hmacReplayed, "this signature was already used")
        }
        return systemId
    }
}

/// Where accepted HMAC signatures are kept until their timestamp leaves the window (a replay
/// after that is refused as stale).
public protocol SignatureReplayMemory: Sendable {
    /// True when `signature` is new, and remembers it until `expiry`; false when it is already
    /// remembered and not expired.
    func remember(_ signature: String, until expiry: Date, now: Date) async throws -> Bool
}

/// The VDXP `timestamp`, `ddMMyyyy'T'HHmmss+SSSS` in Vietnam time (see `VDXPSigner.timestamp`).
public enum VDXPTimestamp {
    public static func format(_ date: Date) -> String { VDXPSigner.timestamp(date) }

    public static func parse(_ text: String) -> Date? {
        let chars = Array(text.utf8)
        guard chars.count == 20, chars[8] == UInt8(ascii: "T"), chars[15] == UInt8(ascii: "+") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            guard chars[range].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
            return Int(String(decoding: chars[range], as: UTF8.self))
        }
        guard let day = number(0..<2), let month = number(2..<4), let year = number(4..<8), let hour = number(9..<11),
              let minute = number(11..<13), let second = number(13..<15), let millis = number(16..<20), millis < 1000 else {
            return nil
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 7 * 3600)!
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard let date = calendar.date(from: components),
              calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date) == components else {
            return nil
        }
        return date.addingTimeInterval(Double(millis) / 1000)
    }
}

/// Why a VDXP call was not authenticated; the reason code is also the reply's `ErrorCode`.
public struct VDXPAuthenticationFailure: ReasonCoded, Sendable, Equatable {
    public enum Reason: String, Sendable {
        case missing = "bus.auth_missing"
        case hmacMalformed = "bus.hmac_malformed"
        case hmacUnsignedHeader = "bus.hmac_unsigned_header"
        case hmacUnknownSystem = "bus.hmac_unknown_system"
        case hmacMismatch = "bus.hmac_mismatch"
        case hmacStale = "bus.hmac_stale"
        case hmacReplayed = "bus.hmac_replayed"
        case certificateUnknown = "bus.certificate_unknown"
    }

    public let reason: Reason
    public let explanation: String
    public var reasonCode: String { reason.rawValue }

    public init(_ reason: Reason, _ explanation: String) {
        self.reason = reason
        self.explanation = explanation
    }
}

extension Duration {
    fileprivate var vdxpSeconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) / 1e18
    }
}
