/// One entry of the body's manifest (`edXMLManifest/Reference`): what the sender says is attached.
public struct ManifestReference: Hashable, Sendable, Codable {
    public var contentId: String?
    public var contentType: String?
    public var description: String?
    public var attachmentName: String?
    /// `xlink:href` on the Reference, which a few senders write (often empty).
    public var href: String?

    public init(contentId: String? = nil, contentType: String? = nil, description: String? = nil,
                attachmentName: String? = nil, href: String? = nil) {
        self.contentId = contentId
        self.contentType = contentType
        self.description = description
        self.attachmentName = attachmentName
        self.href = href
    }

    /// The content id without `cid:`, for matching with an attachment.
    public var normalizedContentId: String? { contentId.map(ContentId.normalize) }
}

/// The body's manifest. `version` is nil when absent.
public struct Manifest: Hashable, Sendable, Codable {
    public var version: String?
    public var references: [ManifestReference]

    public init(version: String? = "1.0", references: [ManifestReference] = []) {
        self.version = version
        self.references = references
    }
}

/// A file carried in `AttachmentEncoded`. The bytes themselves live outside the model: `payload`
/// says how big they are, their SHA-256, whether the sender zipped them, and where they are.
public struct Attachment: Hashable, Sendable, Codable {
    public var contentId: String?
    public var attachmentName: String?
    public var description: String?
    public var contentType: String?
    public var payload: PayloadReference

    public init(contentId: String? = nil, attachmentName: String? = nil, description: String? = nil,
                contentType: String? = nil, payload: PayloadReference) {
        self.contentId = contentId
        self.attachmentName = attachmentName
        self.description = description
        self.contentType = contentType
        self.payload = payload
    }

    public var normalizedContentId: String? { contentId.map(ContentId.normalize) }
}

/// Content ids arrive with `cid:` from some senders and without from others.
public enum ContentId {
    public static func normalize(_ id: String) -> String {
        let trimmed = id.trimmingWhitespace
        return trimmed.lowercased().hasPrefix("cid:") ? String(trimmed.dropFirst(4)) : trimmed
    }
}

/// Facts about an attachment's bytes and where to find them, never the bytes.
public struct PayloadReference: Hashable, Sendable, Codable {
    /// Size of the decoded bytes (of the text itself when `encoding` is `.undecodableText`).
    public var decodedSize: Int
    /// Lower-case hex SHA-256 of the same bytes; nil when the reader's payload store did not ask
    /// for digests (a node that only checks and routes: see `MeasuringPayloadStore(digests:)`).
    public var sha256: String?
    /// The decoded bytes start with a ZIP local header (`PK\u{3}\u{4}`, base64 `UEsDB`).
    public var isZipped: Bool
    public var encoding: Encoding
    public var location: PayloadLocation

    public enum Encoding: String, Hashable, Sendable, Codable {
        /// The element held base64, and the bytes are its decoded content.
        case base64
        /// The element held text that is not base64 (a test tool's placeholder, say): the bytes
        /// are that text, kept so a rewrite loses nothing; validation reports it.
        case undecodableText
    }

    public init(decodedSize: Int, sha256: String?, isZipped: Bool, encoding: Encoding = .base64, location: PayloadLocation) {
        self.decodedSize = decodedSize
        self.sha256 = sha256
        self.isZipped = isZipped
        self.encoding = encoding
        self.location = location
    }
}

/// Where an attachment's bytes are.
public enum PayloadLocation: Hashable, Sendable, Codable {
    /// A file holding exactly the bytes (a file the caller attached, or one a store wrote).
    case file(path: String)
    /// A key in a `PayloadStore` (the in-memory one, or a content-addressed blob store).
    case stored(key: String)
    /// The reader measured the bytes and did not keep them (inspect, validate).
    case notKept
}
