import EdXML
import Foundation

/// The files of a stored envelope as a unit receives them: in manifest order (then any the
/// manifest forgot), each unzipped where the sender zipped it, named and typed as the manifest says.
struct InboxAttachments {
    struct File {
        var name: String
        var contentType: String
        var bytes: [UInt8]
    }

    let document: EdXMLDocument
    let payloads: MemoryPayloadStore
    /// The largest file handed out after unzipping.
    let limit: Int

    /// Reads the envelope keeping its attachments' bytes in memory.
    init(envelope: Data, reader: EdXMLReader) throws {
        let payloads = MemoryPayloadStore()
        var reader = reader
        reader.payloads = payloads
        guard let document = try reader.read(envelope).message.document else {
            throw Refusal("inbox.not_a_document", "the stored message is a status, which has no attachments")
        }
        self.document = document
        self.payloads = payloads
        limit = reader.limits.maxBytes
    }

    /// Attachments paired with their manifest entry, in manifest order.
    var ordered: [(attachment: Attachment, listed: ManifestReference?)] {
        var remaining = document.attachments
        var result: [(Attachment, ManifestReference?)] = []
        for reference in document.manifest?.references ?? [] {
            guard let id = reference.normalizedContentId,
                  let index = remaining.firstIndex(where: { $0.normalizedContentId == id }) else { continue }
            result.append((remaining.remove(at: index), reference))
        }
        return result + remaining.map { ($0, nil) }
    }

    /// File `index` (from 1), or nil when there is none.
    func file(_ index: Int) throws -> File? {
        let ordered = ordered
        guard index >= 1, index <= ordered.count else { return nil }
        return try file(ordered[index - 1], number: index)
    }

    func files() throws -> [File] {
        try ordered.enumerated().map { try file($0.element, number: $0.offset + 1) }
    }

    private func file(_ pair: (attachment: Attachment, listed: ManifestReference?), number: Int) throws -> File {
        let (attachment, listed) = pair
        let bytes = Array(try payloads.bytes(at: attachment.payload.location))
        let name = Self.nonEmpty(listed?.attachmentName) ?? Self.nonEmpty(attachment.attachmentName) ?? "attachment-\(number)"
        if attachment.payload.isZipped, let entry = ZippedPayload.unzip(bytes, limit: limit) {
            // The zipping library labels the attachment application/zip; the manifest keeps the file's own type.
            let type = Self.nonEmpty(listed?.contentType).flatMap { $0.lowercased().contains("zip") ? nil : $0 }
            // The name the sender gave is the one its people chose; the entry's is often a generated one.
            let given = Self.nonEmpty(listed?.attachmentName) ?? Self.nonEmpty(attachment.attachmentName)
            return File(name: given.map(Self.withoutZipSuffix) ?? (entry.name.isEmpty ? name : entry.name),
                        contentType: type ?? "application/octet-stream", bytes: entry.bytes)
        }
        let type = Self.nonEmpty(attachment.contentType) ?? Self.nonEmpty(listed?.contentType) ?? "application/octet-stream"
        return File(name: name, contentType: type, bytes: bytes)
    }

    private static func nonEmpty(_ text: String?) -> String? {
        guard let text = text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        return text
    }

    private static func withoutZipSuffix(_ name: String) -> String {
        name.lowercased().hasSuffix(".zip") ? String(name.dropLast(4)) : name
    }
}
