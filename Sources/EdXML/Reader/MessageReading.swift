import LibXML

/// Reads the tree under `edXML` into the model. Every container is read by local name; what the
/// model does not know is kept (where the writer can put it back) or reported.
final class MessageReading {
    let context: ReadContext
    /// Unknown elements met inside the TraceHeaderList, kept for the writer.
    private var traceExtras: [OpaqueElement] = []

    func read(root: XMLElement) throws -> EdXMLMessage {
        let rootFields = context.fields(of: root, path: "")
        guard let envelope = rootFields.child("edXMLEnvelope") else {
            throw EdXMLError("edxml.missing_envelope", "edXML holds no edXMLEnvelope", line: context.line(of: root))
        }
        let envelopeFields = context.fields(of: envelope, path: "")
        guard let header = envelopeFields.child("edXMLHeader") else {
            throw EdXMLError("edxml.missing_header", "edXMLEnvelope holds no edXMLHeader", line: context.line(of: envelope))
        }
        let headerFields = context.fields(of: header, path: "")
        let messageHeader = headerFields.child("MessageHeader") ?? headerFields.child("Status")
        guard let messageHeader else {
            throw EdXMLError("edxml.missing_message_header", "edXMLHeader holds neither MessageHeader nor Status", line: context.line(of: header))
        }
        context.record("MessageHeader", messageHeader)
        if messageHeader.hasLenientName("Status") {
            context.note("edxml.status_element", "the header element is Status (one vendor's name); it is written as MessageHeader", at: messageHeader)
        }
        let traceList = headerFields.child("TraceHeaderList").map(readTraceList)
        let signature = headerFields.child("Signature").map { SignatureReading.read($0, keepingElement: context.keepsSignatureElement) }
        let isStatus = Self.isStatus(messageHeader)

        if isStatus {
            let messageFields = context.fields(of: messageHeader, path: "")
            var status = StatusReading(context: context).read(messageFields)
            status.traceList = traceList
            status.signature = signature
            var extras = messageFields.finish(keepIn: "MessageHeader")
            extras += headerFields.finish(keepIn: "edXMLHeader", except: ["MessageHeader", "Status"])
            extras += envelopeFields.finish(keepIn: "edXMLEnvelope", except: ["edXMLBody"])
            if let body = envelope.lenientChild(named: "edXMLBody") {
                context.note("edxml.status_with_body", "a status message carries an edXMLBody; it is ignored", at: body)
            }
            extras += rootFields.finish(keepIn: "edXML", except: ["AttachmentEncoded"])
            if let attachments = root.lenientChild(named: "AttachmentEncoded") {
                context.note("edxml.status_with_attachments", "a status message carries attachments; they are ignored", at: attachments)
            }
            status.extras = traceExtras + extras
            return .status(status)
        }

        let messageFields = context.fields(of: messageHeader, path: "")
        let documentHeader = DocumentReading(context: context).read(messageFields)
        var extras = messageFields.finish(keepIn: "MessageHeader")
        extras += headerFields.finish(keepIn: "edXMLHeader", except: ["Status"])
        var manifest: Manifest?
        if let body = envelopeFields.child("edXMLBody") {
            let bodyFields = context.fields(of: body, path: "")
            let (read, manifestExtras) = BodyReading(context: context).readManifest(bodyFields.child("edXMLManifest"))
            // A body without a manifest still has to be written back (with what else it holds).
            manifest = read ?? Manifest(version: nil, references: [])
            extras += manifestExtras
            extras += bodyFields.finish(keepIn: "edXMLBody")
        }
        extras += envelopeFields.finish(keepIn: "edXMLEnvelope")
        var attachments: [Attachment] = []
        if let encoded = rootFields.child("AttachmentEncoded") {
            let (read, attachmentExtras) = try BodyReading(context: context).readAttachments(encoded)
            attachments = read
            extras += attachmentExtras
        }
        extras += rootFields.finish(keepIn: "edXML")
        if traceList == nil {
            context.note("edxml.missing_trace_list", "the document has no TraceHeaderList", at: header)
        }
        return .document(EdXMLDocument(header: documentHeader, traceList: traceList ?? TraceHeaderList(), signature: signature,
                                       manifest: manifest, attachments: attachments, extras: traceExtras + extras))
    }

    init(context: ReadContext) { self.context = context }

    /// A status is named `Status`, or carries a StatusCode, or (when a sender left the code out)
    /// carries only what a status carries and nothing a document must have.
    static func isStatus(_ header: XMLElement) -> Bool {
        if header.hasLenientName("Status") || header.lenientChild(named: "StatusCode") != nil { return true }
        let children = header.children
        func holdsAny(of names: [String]) -> Bool { children.contains { child in names.contains(where: child.hasLenientName) } }
        return !holdsAny(of: ["To", "Code", "Subject", "PromulgationInfo", "DocumentType", "DocumentId"])
            && holdsAny(of: ["Timestamp", "StaffInfo", "Description"])
    }

    private func readTraceList(_ element: XMLElement) -> TraceHeaderList {
        let fields = context.fields(of: element, path: "")
        let traces = fields.children("TraceHeader").enumerated().map { i, trace in
            let t = context.fields(of: trace, path: "TraceHeader[\(i)]")
            defer { t.finish(keepIn: nil) }
            return TraceHeader(organId: t.organId("OrganId"), timestamp: t.date("Timestamp"))
        }
        var business: Business?
        if let b = fields.child("Bussiness") {
            let bf = context.fields(of: b, path: "Bussiness")
            business = BusinessReading(context: context).read(bf)
            traceExtras += bf.finish(keepIn: "Bussiness")
        }
        traceExtras += fields.finish(keepIn: "TraceHeaderList")
        return TraceHeaderList(traces: traces, business: business)
    }
}

/// Fields shared by documents and statuses.
extension ElementFields {
    func organization(_ e: XMLElement, path: String, context: ReadContext) -> Organization {
        let f = context.fields(of: e, path: path)
        defer { f.finish(keepIn: nil) }
        return Organization(organId: f.organId("OrganId"), organizationInCharge: f.text("OrganizationInCharge"),
                            organName: f.text("OrganName"), organAdd: f.text("OrganAdd"), email: f.text("Email"),
                            telephone: f.text("Telephone"), fax: f.text("Fax"), website: f.text("Website"))
    }

    func responseFor(_ e: XMLElement, path: String, context: ReadContext) -> ResponseFor {
        let f = context.fields(of: e, path: path)
        defer { f.finish(keepIn: nil) }
        return ResponseFor(organId: f.organId("OrganId"), code: f.text("Code"),
                           promulgationDate: f.date("PromulgationDate"), documentId: f.text("DocumentId"))
    }

    func staff(_ e: XMLElement, path: String, context: ReadContext) -> StaffInfo {
        let f = context.fields(of: e, path: path)
        defer { f.finish(keepIn: nil) }
        return StaffInfo(department: f.text("Department"), staff: f.text("Staff"), mobile: f.text("Mobile"), email: f.text("Email"))
    }
}
