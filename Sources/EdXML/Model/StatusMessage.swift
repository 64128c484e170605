/// A status message: one organisation telling another what became of a document.
/// Same wrapper as a document, no body and no attachments.
public struct StatusMessage: Hashable, Sendable, Codable {
    public var from: Organization
    /// Which document the status is about. A status must have one; validation says so when not.
    public var responseFor: ResponseFor?
    public var staff: StaffInfo?
    public var statusCode: StatusCode?
    public var description: String?
    public var timestamp: DateText?
    /// Present when a system on the way appended hops (the bus does).
    public var traceList: TraceHeaderList?
    public var signature: EmbeddedSignature?
    /// Elements this model does not know, kept to be written back where they were found.
    public var extras: [OpaqueElement]

    public init(from: Organization = Organization(), responseFor: ResponseFor? = nil, staff: StaffInfo? = nil,
                statusCode: StatusCode? = nil, description: String? = nil, timestamp: DateText? = nil,
                traceList: TraceHeaderList? = nil, signature: EmbeddedSignature? = nil, extras: [OpaqueElement] = []) {
        self.from = from
        self.responseFor = responseFor
        self.staff = staff
        self.statusCode = statusCode
        self.description = description
        self.timestamp = timestamp
        self.traceList = traceList
        self.signature = signature
        self.extras = extras
    }
}

/// A two-digit status code. Every code is kept as its text; the ones EDXML.md names have a meaning.
public struct StatusCode: Hashable, Sendable, Codable, ExpressibleByStringLiteral, CustomStringConvertible {
    public let text: String

    public init(_ text: String) { self.text = text }
    public init(stringLiteral value: String) { self.init(value) }

    public init(from decoder: any Decoder) throws {
        text = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }

    public var description: String { text }

    public static let arrived: StatusCode = "01"
    public static let refused: StatusCode = "02"
    public static let accepted: StatusCode = "03"
    public static let assigned: StatusCode = "04"
    public static let processing: StatusCode = "05"
    public static let finished: StatusCode = "06"
    public static let recallRequested: StatusCode = "13"
    public static let changeAccepted: StatusCode = "15"
    public static let changeRefused: StatusCode = "16"

    /// Exactly two ASCII digits, as the standard writes every code.
    public var isTwoDigits: Bool {
        let t = text.trimmingWhitespace.utf8
        return t.count == 2 && t.allSatisfy(\.isASCIIDigit)
    }

    /// The meaning of the codes EDXML.md names (English, then the standard's Vietnamese), or nil.
    public var meaning: (name: String, vietnamese: String)? {
        switch text.trimmingWhitespace {
        case "01": ("arrived", "Đã đến")
        case "02": ("refused", "Từ chối tiếp nhận")
        case "03": ("accepted", "Đã tiếp nhận")
        case "04": ("assigned", "Phân công")
        case "05": ("processing", "Đang xử lý")
        case "06": ("finished", "Hoàn thành")
        case "13": ("recall requested", "Lấy lại")
        case "15": ("update or recall accepted", "Đồng ý cập nhật, lấy lại")
        case "16": ("update or recall refused", "Từ chối cập nhật, lấy lại")
        default: nil
        }
    }

    /// The name to show a person: the meaning when known, else `code NN`.
    public var name: String { meaning?.name ?? "code \(text)" }
}
