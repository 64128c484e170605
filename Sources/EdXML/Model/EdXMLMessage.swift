/// The QCVN 102 namespace, the one older vendors used, and the XML-DSig one.
public enum EdXMLNamespace {
    public static let qcvn102 = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
    public static let legacyEdoc = "http://www.e-doc.vn/Schema/"
    public static let xmlDSig = "http://www.w3.org/2000/09/xmldsig#"
    public static let xlink = "http://www.w3.org/1999/xlink"
}

/// What an edXML file holds: a document or a status.
public enum EdXMLMessage: Hashable, Sendable, Codable {
    case document(EdXMLDocument)
    case status(StatusMessage)

    public var document: EdXMLDocument? {
        if case .document(let d) = self { return d }
        return nil
    }

    public var status: StatusMessage? {
        if case .status(let s) = self { return s }
        return nil
    }

    public var from: Organization {
        switch self {
        case .document(let d): d.header.from
        case .status(let s): s.from
        }
    }

    public var signature: EmbeddedSignature? {
        switch self {
        case .document(let d): d.signature
        case .status(let s): s.signature
        }
    }

    public var traceList: TraceHeaderList? {
        switch self {
        case .document(let d): d.traceList
        case .status(let s): s.traceList
        }
    }
}

/// A document message: header, hops, optional signature, manifest and attachments.
public struct EdXMLDocument: Hashable, Sendable, Codable {
    public var header: DocumentHeader
    public var traceList: TraceHeaderList
    public var signature: EmbeddedSignature?
    /// nil when the message has no `edXMLBody` at all.
    public var manifest: Manifest?
    public var attachments: [Attachment]
    /// Elements this model does not know, kept to be written back where they were found.
    public var extras: [OpaqueElement]

    public init(header: DocumentHeader, traceList: TraceHeaderList = TraceHeaderList(), signature: EmbeddedSignature? = nil,
                manifest: Manifest? = Manifest(), attachments: [Attachment] = [], extras: [OpaqueElement] = []) {
        self.header = header
        self.traceList = traceList
        self.signature = signature
        self.manifest = manifest
        self.attachments = attachments
        self.extras = extras
    }
}

/// An element kept as the XML text it was read as, to be written back unchanged inside the
/// container it came from (`container` is that element's local name).
public struct OpaqueElement: Hashable, Sendable, Codable {
    public var container: String
    public var localName: String
    public var namespaceURI: String?
    public var xml: String

    public init(container: String, localName: String, namespaceURI: String?, xml: String) {
        self.container = container
        self.localName = localName
        self.namespaceURI = namespaceURI
        self.xml = xml
    }
}

/// The `Signature` element of the header, kept whole (the signature module verifies and
/// re-signs), with the algorithms it names read out for people.
public struct EmbeddedSignature: Hashable, Sendable, Codable {
    /// Nil when the reader was told not to keep it (`EdXMLReader.keepsSignatureElement`): such a
    /// message cannot be written back signed.
    public var element: OpaqueElement?
    /// False when the element sits in the edXML namespace (no XML-DSig declaration), as in
    /// several real samples.
    public var inXMLDSigNamespace: Bool
    public var canonicalizationMethod: String?
    public var signatureMethod: String?
    public var digestMethods: [String]
    public var transforms: [String]
    public var hasCertificate: Bool

    public init(element: OpaqueElement?, inXMLDSigNamespace: Bool, canonicalizationMethod: String?, signatureMethod: String?,
                digestMethods: [String], transforms: [String], hasCertificate: Bool) {
        self.element = element
        self.inXMLDSigNamespace = inXMLDSigNamespace
        self.canonicalizationMethod = canonicalizationMethod
        self.signatureMethod = signatureMethod
        self.digestMethods = digestMethods
        self.transforms = transforms
        self.hasCertificate = hasCertificate
    }
}
