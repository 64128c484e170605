import Foundation
import JSONText

/// One entry of `getReceivedEdocList`: a message waiting for us on the bus.
public struct VDXPEdocSummary: Sendable, Equatable {
    /// The bus's transport id (not the edXML DocumentId).
    public var docId: String
    public var serviceType: String?
    public var messageType: String?
    public var from: String?
    public var to: [String]
    public var status: String?
    public var statusDescription: String?
    public var createdTime: String?
    public var updatedTime: String?

    public init(docId: String, serviceType: String? = nil, messageType: String? = nil, from: String? = nil,
                to: [String] = [], status: String? = nil, statusDescription: String? = nil,
                createdTime: String? = nil, updatedTime: String? = nil) {
        self.docId = docId
        self.serviceType = serviceType
        self.messageType = messageType
        self.from = from
        self.to = to
        self.status = status
        self.statusDescription = statusDescription
        self.createdTime = createdTime
        self.updatedTime = updatedTime
    }

    /// nil when the entry has no usable docId (it cannot be fetched or acknowledged).
    init?(_ record: VDXPRecord) {
        guard let docId = record["docId"], !docId.isEmpty else { return nil }
        self.init(docId: docId, serviceType: record["serviceType"], messageType: record["messageType"],
                  from: record["from"], to: record.list("to"), status: record["status"],
                  statusDescription: record["status_desc"], createdTime: record["created_time"],
                  updatedTime: record["updated_time"])
    }
}

/// A JSON object from the bus whose shape the relay does not pin down (`getSentEdocList`,
/// `getAgenciesList`): scalar fields as text, lists and objects as their JSON text.
public struct VDXPRecord: Sendable, Equatable {
    public var fields: [String: String]

    public init(fields: [String: String]) { self.fields = fields }

    init(_ object: [String: JSONValue]) {
        var fields: [String: String] = [:]
        for (key, value) in object {
            if let text = VDXPReply.text(value) {
                fields[key] = text
            } else if value != .null {
                fields[key] = String(decoding: JSONBytes.encode(value), as: UTF8.self)
            }
        }
        self.fields = fields
    }

    /// The field with this name, compared case-insensitively.
    public subscript(_ name: String) -> String? {
        if let exact = fields[name] { return exact }
        let lowered = name.lowercased()
        return fields.first { $0.key.lowercased() == lowered }?.value
    }

    /// A field holding a list of ids, sent as a JSON array, a JSON array in a string, or one id.
    public func list(_ name: String) -> [String] {
        guard let text = self[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return [] }
        if text.hasPrefix("["), case .array(let array)? = try? JSONParser(refusesRepeatedKeys: false).parse(text.utf8) {
            return array.compactMap(VDXPReply.text)
        }
        return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

/// A message fetched by `getEdoc`.
public struct VDXPFetchedEdoc: Sendable, Equatable {
    public var summary: VDXPEdocSummary
    /// The .edxml exactly as the bus delivered it (base64-decoded).
    public var content: [UInt8]

    public init(summary: VDXPEdocSummary, content: [UInt8]) {
        self.summary = summary
        self.content = content
    }
}
