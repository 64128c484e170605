import EdXML
import Foundation
import JSONText

/// A file a unit sends with a document: its bytes and how the recipient is to see it.
struct IncomingAttachment: Sendable {
    var name: String
    var contentType: String
    var description: String?
    var bytes: Data
}

/// The document JSON of the unit API: `lienthong build`'s shape (docs/edxml.md), except that an
/// attachment carries its bytes, as base64 in `content` or as a multipart part named by `file`.
/// A path on the gateway is never read: a unit must not make the gateway send its own files.
enum UnitDocumentJSON {
    /// An entry of `attachments`: the file's bytes in `content` (base64), or the multipart part
    /// `file` names; how the recipient sees it.
    private struct Entry: Sendable {
        var file, name, contentType, description, content: String?

        static let read = JSONRead<Entry>.object(["file", "name", "contentType", "description", "content"]) { f throws(JSONShapeError) in
            Entry(file: try f.optional("file", .string), name: try f.optional("name", .string),
                  contentType: try f.optional("contentType", .string), description: try f.optional("description", .string),
                  content: try f.optional("content", .string))
        }
    }

    /// The document description and its attachments. `files` are the multipart parts other than
    /// `document` (nil for a plain JSON body): an attachment entry may name one by its field name
    /// or file name to describe it; parts no entry names are attached after the entries, in order.
    static func decode(_ json: some Sequence<UInt8>, files: [MultipartPart]?) throws -> (EdXML.OutboundDocument, [IncomingAttachment]) {
        guard case .object(var object) = try DocumentBuilder.parse(json: json) else {
            throw Refusal("build.invalid_json", "the document description is not a JSON object")
        }
        // The entries here carry bytes (`content`) or name parts (`file`), unlike the CLI's shape
        // the builder checks, so they are set aside and read below.
        let entries = object.removeValue(forKey: "attachments")
        let spec = try DocumentBuilder.decode(parsed: .object(object))

        var remaining = files ?? []
        var attachments: [IncomingAttachment] = []
        for (index, entry) in try Self.entries(entries).enumerated() {
            attachments.append(try attachment(entry, at: "attachments[\(index)]", files: &remaining, multipart: files != nil))
        }
        for part in remaining {
            let name = part.fileName ?? part.name
            attachments.append(IncomingAttachment(name: name, contentType: contentType(declared: part.contentType, name: name),
                                                  description: nil, bytes: Data(part.body)))
        }
        return (spec, attachments)
    }

    private static func entries(_ value: JSONValue?) throws(Refusal) -> [Entry] {
        guard let value, value != .null else { return [] }
        do {
            return try JSONRead<[Entry]>.array(of: Entry.read).read(value, "attachments")
        } catch where error.problem == .unknownKey {
            throw Refusal("build.invalid_json", "'\(error.path)' is not part of an attachment (file, name, contentType, description, content)")
        } catch {
            throw Refusal("build.invalid_json", "\(error)")
        }
    }

    private static func attachment(_ entry: Entry, at path: String, files: inout [MultipartPart],
                                   multipart: Bool) throws -> IncomingAttachment {
        if let content = entry.content {
            guard let name = entry.name, !name.isEmpty else {
                throw Refusal("build.invalid_json", "'\(path).name' is required with 'content'")
            }
            let compact = content.filter { !" \t\r\n".contains($0) }
            guard let bytes = Data(base64Encoded: compact) else {
                throw Refusal("build.attachment_not_base64", "'\(path).content' is not base64")
            }
            return IncomingAttachment(name: name, contentType: contentType(declared: entry.contentType, name: name),
                                      description: entry.description, bytes: bytes)
        }
        guard let file = entry.file else {
            throw Refusal("build.invalid_json", "'\(path)' needs 'content' (the file, base64) or, in a multipart request, 'file' naming a part")
        }
        guard multipart else {
            throw Refusal("build.attachment_path_refused",
                          "'\(path).file' names a path; the gateway reads no files for a unit: send the bytes base64 in 'content', or send multipart/form-data with a part named '\(file)'")
        }
        guard let index = files.firstIndex(where: { $0.name == file }) ?? files.firstIndex(where: { $0.fileName == file }) else {
            throw Refusal("build.attachment_part_missing", "'\(path).file' names '\(file)', which no part of the request is")
        }
        let part = files.remove(at: index)
        let shownName = entry.name ?? part.fileName ?? part.name
        return IncomingAttachment(name: shownName, contentType: contentType(declared: entry.contentType ?? part.contentType, name: shownName),
                                  description: entry.description, bytes: Data(part.body))
    }

    /// What the sender said, unless it said nothing useful (`application/octet-stream` is what
    /// clients send when they do not know): then a guess from the name.
    private static func contentType(declared: String?, name: String) -> String {
        if let declared, !declared.isEmpty, declared.lowercased() != "application/octet-stream" { return declared }
        return ContentTypes.guess(forName: name)
    }
}
