import Foundation
import JSONText

/// Turns an `OutboundDocument` (the JSON a unit system sends) into an edXML document: forms the
/// DocumentId when none is given, describes the attached files without loading them, and appends
/// the sender's TraceHeader.
public struct DocumentBuilder: Sendable {
    /// The clock, for the promulgation date default and the TraceHeader.
    public var now: @Sendable () -> Date
    /// A new content id for each attachment (`cid:` + a UUID by default).
    public var newContentId: @Sendable () -> String

    public init(now: @escaping @Sendable () -> Date = { Date() },
                newContentId: @escaping @Sendable () -> String = { "cid:" + UUID().uuidString.lowercased() }) {
        self.now = now
        self.newContentId = newContentId
    }

    /// Reads the JSON shape, refusing unknown keys and wrong types with `build.invalid_json`.
    public static func decode(json: some Sequence<UInt8>) throws(Refusal) -> OutboundDocument {
        try decode(parsed: parse(json: json))
    }

    /// The parsed JSON of a document description, or `build.invalid_json` saying why it is not JSON.
    public static func parse(json: some Sequence<UInt8>) throws(Refusal) -> JSONValue {
        do {
            return try JSONParser().parse(json)
        } catch {
            throw Refusal("build.invalid_json", "the document description is not JSON: \(error)")
        }
    }

    /// The same, for a caller that has already parsed the JSON: the value is read as it is, never
    /// parsed a second time.
    public static func decode(parsed: JSONValue) throws(Refusal) -> OutboundDocument {
        do {
            return try OutboundDocument(json: parsed)
        } catch where error.problem == .unknownKey {
            throw Refusal("build.invalid_json", "the document description has a key '\(error.path)' that is not part of the shape (see docs/edxml.md)")
        } catch {
            throw Refusal("build.invalid_json", "the document description does not fit the shape: \(error)")
        }
    }

    /// Builds the document. Relative attachment paths are taken from `baseDirectory`.
    public func build(_ spec: OutboundDocument, baseDirectory: URL? = nil) throws -> EdXMLDocument {
        let today = LocalDateTime(now(), withTime: false)
        let promulgationDate = DateText(spec.promulgation?.date ?? today.edXMLText)
        let sender = OrganId(spec.from.organId)
        let documentId = spec.documentId ?? Self.businessKey(sender: sender, date: promulgationDate,
                                                             code: DocumentCode(number: spec.code.number, notation: spec.code.notation))
        let header = DocumentHeader(
            from: organization(spec.from),
            to: spec.to.map(organization),
            documentId: documentId,
            code: DocumentCode(number: spec.code.number, notation: spec.code.notation),
            promulgation: PromulgationInfo(place: spec.promulgation?.place, date: promulgationDate),
            documentType: spec.type.map { DocumentType(type: String($0.type), typeDetail: $0.detail.map(String.init), typeName: $0.name) },
            subject: spec.subject,
            content: spec.content,
            signer: spec.signer.map { SignerInfo(competence: $0.competence, position: $0.position, fullName: $0.fullName) },
            dueDate: spec.dueDate.map { DateText($0) },
            toPlaces: spec.places,
            otherInfo: otherInfo(spec),
            responseFor: (spec.responseFor ?? []).map {
                ResponseFor(organId: $0.organId.map { OrganId($0) }, code: $0.code,
                            promulgationDate: $0.promulgationDate.map { DateText($0) }, documentId: $0.documentId)
            },
            steeringType: spec.steeringType.map(String.init))

        var references: [ManifestReference] = []
        var attachments: [Attachment] = []
        for file in spec.attachments ?? [] {
            let url = file.file.hasPrefix("/") || baseDirectory == nil
                ? URL(fileURLWithPath: file.file)
                : baseDirectory!.appendingPathComponent(file.file)
            let payload = try PayloadFacts.reference(forFileAt: url)
            let name = file.name ?? url.lastPathComponent
            let contentType = file.contentType ?? ContentTypes.guess(forName: name)
            let contentId = newContentId()
            references.append(ManifestReference(contentId: contentId, contentType: contentType,
                                                description: file.description, attachmentName: name))
            attachments.append(Attachment(contentId: contentId, attachmentName: name, description: file.description,
                                          contentType: contentType, payload: payload))
        }

        let trace = TraceHeader(organId: sender, timestamp: DateText(LocalDateTime(now(), withTime: true)))
        return EdXMLDocument(header: header,
                             traceList: TraceHeaderList(traces: [trace], business: try spec.business.map(business)),
                             manifest: Manifest(version: "1.0", references: references),
                             attachments: attachments)
    }

    /// The standard's business key: `<senderOrganId>,<yyyy/MM/dd>,<CodeNumber>/<CodeNotation>`.
    public static func businessKey(sender: OrganId, date: DateText, code: DocumentCode) -> String {
        "\(sender.text),\(date.text),\(code.combined)"
    }

    private func organization(_ p: OutboundDocument.Party) -> Organization {
        Organization(organId: OrganId(p.organId), organizationInCharge: p.organizationInCharge, organName: p.organName,
                     organAdd: p.organAdd, email: p.email, telephone: p.telephone, fax: p.fax, website: p.website)
    }

    private func otherInfo(_ spec: OutboundDocument) -> OtherInfo? {
        guard spec.priority != nil || spec.otherInfo != nil else { return nil }
        let o = spec.otherInfo
        return OtherInfo(priority: spec.priority.map(String.init), sphereOfPromulgation: o?.sphereOfPromulgation,
                         typerNotation: o?.typerNotation, promulgationAmount: o?.promulgationAmount.map(String.init),
                         pageAmount: o?.pageAmount.map(String.init), direction: o?.direction.map { $0 ? "true" : "false" },
                         appendixes: o?.appendixes)
    }

    private func business(_ b: OutboundDocument.BusinessInfo) throws -> Business {
        let kind: Business.Kind
        switch b.type.lowercased() {
        case "new": kind = .new
        case "revoke": kind = .revoke
        case "update": kind = .update
        case "replace": kind = .replace
        default: throw Refusal("build.invalid_json", "business.type is '\(b.type)'; it must be new, revoke, update or replace")
        }
        var info: BusinessDocumentInfo?
        if b.documentInfoChanged != nil || b.receiversChanged != nil || b.receivers != nil {
            info = BusinessDocumentInfo(
                documentInfo: b.documentInfoChanged.map { $0 ? "1" : "0" },
                documentReceiver: b.receiversChanged.map { $0 ? "1" : "0" },
                receivers: b.receivers?.map { .init(organId: OrganId($0.organId), receiverType: $0.receiverType.map(String.init)) })
        }
        return Business(documentId: b.documentId, docType: kind.code, reason: b.reason, paper: (b.paper ?? false) ? "1" : "0",
                        documentInfo: info,
                        replacements: b.replacements?.map { ReplacementInfo(documentId: $0.documentId, organIds: $0.organIds.map { OrganId($0) }) },
                        staff: b.staff.map { StaffInfo(department: $0.department, staff: $0.staff, mobile: $0.mobile, email: $0.email) })
    }
}

extension TraceHeaderList {
    /// The list with one more hop: `organId` at `date` (Vietnam local time).
    public func appending(organId: OrganId, at date: Date) -> TraceHeaderList {
        var copy = self
        copy.traces.append(TraceHeader(organId: organId, timestamp: DateText(LocalDateTime(date, withTime: true))))
        return copy
    }
}

/// Content types by file extension, for files attached without one.
public enum ContentTypes {
    public static func guess(forName name: String) -> String {
        switch (name as NSString).pathExtension.lowercased() {
        case "pdf": "application/pdf"
        case "doc": "application/msword"
        case "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        case "xls": "application/vnd.ms-excel"
        case "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        case "odt": "application/vnd.oasis.opendocument.text"
        case "zip": "application/zip"
        case "txt": "text/plain"
        case "xml": "application/xml"
        case "png": "image/png"
        case "jpg", "jpeg": "image/jpeg"
        default: "application/octet-stream"
        }
    }
}
