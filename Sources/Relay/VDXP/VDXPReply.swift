import Foundation
import JSONText

/// A VDXP JSON reply: `{"status": "OK"|"FAIL", "ErrorCode": …, "ErrorDesc": …, …}`.
/// Field names are matched case-insensitively: the bus and its SDK disagree on capitals.
struct VDXPReply {
    let fields: [String: JSONValue]
    /// The HTTP status the reply came with.
    var httpStatus = 200

    /// The national bus's JSON is taken as it comes: a key sent twice counts once, the last time.
    init(body: [UInt8]) throws {
        guard case .object(let fields)? = try? JSONParser(refusesRepeatedKeys: false).parse(body) else {
            throw RelayFailure(RelayReason.badReply, "the bus's reply is not a JSON object\(RelayFailure.excerpt(body))",
                               disposition: .retryable(after: nil))
        }
        self.fields = fields
    }

    func value(_ name: String) -> JSONValue? {
        if let exact = fields[name] { return exact }
        let lowered = name.lowercased()
        return fields.first { $0.key.lowercased() == lowered }?.value
    }

    func string(_ name: String) -> String? { VDXPReply.text(value(name)) }

    var isOK: Bool { string("status")?.uppercased() == "OK" }

    /// Throws the bus's refusal when `status` is not OK.
    func requireOK(call: String, retryableErrorCodes: Set<String>) throws {
        guard !isOK else { return }
        guard value("status") != nil else {
            throw RelayFailure(RelayReason.badReply, "the bus's reply to \(call) has no `status`",
                               disposition: .retryable(after: nil))
        }
        let code = string("ErrorCode") ?? ""
        let description = string("ErrorDesc") ?? ""
        let said = "\(code.isEmpty ? "" : "\(code) ")\(description)".trimmingCharacters(in: .whitespaces)
        let status = string("status").map { "status \($0)" } ?? "no status"
        if retryableErrorCodes.contains(code) {
            throw RelayFailure(RelayReason.busFailed, "the bus could not do \(call) for now (\(status)): \(said)",
                               disposition: .retryable(after: nil), busErrorCode: code)
        }
        throw RelayFailure(RelayReason.refused, "the bus refused \(call) (\(status))\(said.isEmpty ? "" : ": \(said)")",
                           disposition: .permanent, busErrorCode: code.isEmpty ? nil : code)
    }

    /// Scalars as text (the bus sends ids and times sometimes as numbers); nil for null and containers.
    static func text(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let string)?: string
        case .int(let number)?: String(number)
        case .double(let number)?: Int(exactly: number).map(String.init) ?? "\(number)"
        case .bool(let flag)?: flag ? "true" : "false"
        default: nil
        }
    }
}
