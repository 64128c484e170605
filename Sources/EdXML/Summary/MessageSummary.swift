/// What `lienthong inspect` shows, as a stable value: the same for the human and the `--json`
/// output. Field names are part of the command-line contract; add, never rename.
public struct MessageSummary: Codable, Hashable, Sendable {
    public var kind: String
    public var from: Party
    public var to: [Party]
    public var documentId: String?
    public var code: String?
    public var subject: String?
    public var promulgationDate: String?
    public var business: BusinessSummary?
    public var status: StatusSummary?
    public var trace: [Hop]
    public var attachments: [AttachmentSummary]
    public var signature: SignatureSummary?
    public var findings: [Finding]

    public struct Party: Codable, Hashable, Sendable {
        public var organId: String?
        public var name: String?
    }

    public struct BusinessSummary: Codable, Hashable, Sendable {
        public var type: String?
        public var name: String?
        public var documentId: String?
        public var reason: String?
    }

    public struct StatusSummary: Codable, Hashable, Sendable {
        public var code: String?
        public var meaning: String?
        public var description: String?
        public var timestamp: String?
        public var responseFor: ResponseFor?
    }

    public struct Hop: Codable, Hashable, Sendable {
        public var organId: String?
        public var timestamp: String?
    }

    public struct AttachmentSummary: Codable, Hashable, Sendable {
        public var contentId: String?
        public var name: String?
        public var contentType: String?
        public var decodedSize: Int
        public var sha256: String?
        public var zipped: Bool
        public var base64: Bool
    }

    public struct SignatureSummary: Codable, Hashable, Sendable {
        public var xmlDSigNamespace: Bool
        public var canonicalization: String?
        public var signatureMethod: String?
        public var digestMethods: [String]
        public var transforms: [String]
        public var certificate: Bool
    }

    public init(_ result: ReadResult) {
        let message = result.message
        let from = message.from
        self.from = Party(organId: from.organId?.text, name: from.displayName)
        trace = (message.traceList?.traces ?? []).map { Hop(organId: $0.organId?.text, timestamp: $0.timestamp?.text) }
        business = message.traceList?.business.map {
            BusinessSummary(type: $0.docType, name: $0.kind?.name, documentId: $0.documentId, reason: $0.reason)
        }
        signature = message.signature.map {
            SignatureSummary(xmlDSigNamespace: $0.inXMLDSigNamespace, canonicalization: $0.canonicalizationMethod,
                             signatureMethod: $0.signatureMethod, digestMethods: $0.digestMethods,
                             transforms: $0.transforms, certificate: $0.hasCertificate)
        }
        findings = result.findings
        switch message {
        case .document(let d):
            kind = "document"
            to = d.header.to.map { Party(organId: $0.organId?.text, name: $0.displayName) }
            documentId = d.header.documentId
            code = d.header.code?.combined
            subject = d.header.subject
            promulgationDate = d.header.promulgation?.date?.text
            status = nil
            attachments = d.attachments.map {
                AttachmentSummary(contentId: $0.contentId, name: $0.attachmentName, contentType: $0.contentType,
                                  decodedSize: $0.payload.decodedSize, sha256: $0.payload.sha256,
                                  zipped: $0.payload.isZipped, base64: $0.payload.encoding == .base64)
            }
        case .status(let s):
            kind = "status"
            to = s.responseFor?.organId.map { [Party(organId: $0.text, name: nil)] } ?? []
            documentId = s.responseFor?.documentId
            code = s.responseFor?.code
            subject = nil
            promulgationDate = s.responseFor?.promulgationDate?.text
            status = StatusSummary(code: s.statusCode?.text, meaning: s.statusCode?.meaning?.name, description: s.description,
                                   timestamp: s.timestamp?.text, responseFor: s.responseFor)
            attachments = []
        }
    }
}
