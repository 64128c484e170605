import Foundation
import LibCrypto

/// Writes a message in the exact national shape: default namespace on `edXML`, the `edXML`
/// prefix from `edXMLEnvelope` down, `AttachmentEncoded` unprefixed, elements in the order of the
/// reference implementation (EDXML.md), UTF-8.
public struct EdXMLWriter: Sendable {
    /// Where attachment bytes come from.
    public var payloads: any PayloadStore

    public init(payloads: any PayloadStore = MeasuringPayloadStore()) {
        self.payloads = payloads
    }

    /// The whole file in memory.
    public func data(for message: EdXMLMessage) throws -> Data {
        try inMemory(message, canonical: nil).bytes
    }

    /// Writes to `url` through a temporary file renamed into place, so a reader never sees half a file.
    public func write(_ message: EdXMLMessage, to url: URL) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).part")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil),
              let handle = try? FileHandle(forWritingTo: temporary) else {
            throw Refusal("io.unwritable", "cannot create a file in \(url.deletingLastPathComponent().path)")
        }
        do {
            try write(message) { try handle.write(contentsOf: $0) }
            try handle.synchronize()
            try handle.close()
            // rename(2) replaces an existing file atomically (FileManager.replaceItemAt fails on Linux here).
            guard rename(temporary.path, url.path) == 0 else {
                throw Refusal("io.unwritable", "cannot move the written file into place at \(url.path): \(String(cString: strerror(errno)))")
            }
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(at: temporary)
            if error is any ReasonCoded { throw error }
            throw Refusal("io.unwritable", "cannot write \(url.path): \(error.localizedDescription)")
        }
    }

    /// The whole file in memory, its exclusive canonical form streamed to `canonical` as it is
    /// written, and the place the profile gives an enveloped signature, so that a signer need
    /// not parse the file back (see `WrittenEnvelope`).
    public func written(_ message: EdXMLMessage, canonical: @escaping (UnsafeRawBufferPointer) -> Void) throws -> WrittenEnvelope {
        try inMemory(message, canonical: canonical)
    }

    private func inMemory(_ message: EdXMLMessage, canonical: ((UnsafeRawBufferPointer) -> Void)?) throws -> WrittenEnvelope {
        var data = Data()
        // The first piece (for most documents, the whole) is taken as it is, not copied.
        let out = XMLTextOutput(canonical: canonical) { piece in if data.isEmpty { data = piece } else { data.append(piece) } }
        try write(message, to: out)
        return WrittenEnvelope(bytes: data, signaturePlace: out.signaturePlace, canonicalFormIsExact: out.canonicalFormIsExact)
    }

    /// Streams the file to `sink` in pieces.
    public func write(_ message: EdXMLMessage, sink: @escaping (Data) throws -> Void) throws {
        try write(message, to: XMLTextOutput(sink: sink))
    }

    private func write(_ message: EdXMLMessage, to out: XMLTextOutput) throws {
        try out.declaration()
        try out.open("edXML", attributes: [("xmlns", EdXMLNamespace.qcvn102)])
        try out.open("edXML:edXMLEnvelope", attributes: [("xmlns:edXML", EdXMLNamespace.qcvn102)])
        try out.open("edXML:edXMLHeader")
        switch message {
        case .document(let document):
            try writeHeader(document, out)
            try writeExtras(document.extras, in: "edXMLHeader", out)
            try out.close("edXML:edXMLHeader")
            try writeBody(document, out)
            try writeExtras(document.extras, in: "edXMLEnvelope", out)
            try out.close("edXML:edXMLEnvelope")
            try writeAttachments(document, out)
            try writeExtras(document.extras, in: "edXML", out)
        case .status(let status):
            try writeHeader(status, out)
            try writeExtras(status.extras, in: "edXMLHeader", out)
            try out.close("edXML:edXMLHeader")
            try writeExtras(status.extras, in: "edXMLEnvelope", out)
            try out.close("edXML:edXMLEnvelope")
            try writeExtras(status.extras, in: "edXML", out)
        }
        try out.close("edXML")
        try out.endOfFile()
        try out.flush()
    }

    private func writeHeader(_ document: EdXMLDocument, _ out: XMLTextOutput) throws {
        let h = document.header
        try out.open("edXML:MessageHeader")
        try writeOrganization("edXML:From", h.from, out)
        for to in h.to { try writeOrganization("edXML:To", to, out) }
        try out.leaf("edXML:DocumentId", h.documentId)
        if let code = h.code {
            try out.open("edXML:Code")
            try out.leaf("edXML:CodeNumber", code.number)
            try out.leaf("edXML:CodeNotation", code.notation)
            try out.close("edXML:Code")
        }
        if let p = h.promulgation {
            try out.open("edXML:PromulgationInfo")
            try out.leaf("edXML:Place", p.place)
            try out.leaf("edXML:PromulgationDate", p.date?.text)
            try out.close("edXML:PromulgationInfo")
        }
        if let t = h.documentType {
            try out.open("edXML:DocumentType")
            try out.leaf("edXML:Type", t.type)
            try out.leaf("edXML:TypeDetail", t.typeDetail)
            try out.leaf("edXML:TypeName", t.typeName)
            try out.close("edXML:DocumentType")
        }
        try out.leaf("edXML:Subject", h.subject)
        try out.leaf("edXML:Content", h.content)
        if let s = h.signer {
            try out.open("edXML:SignerInfo")
            try out.leaf("edXML:Competence", s.competence)
            try out.leaf("edXML:Position", s.position)
            try out.leaf("edXML:FullName", s.fullName)
            try out.close("edXML:SignerInfo")
        }
        try out.leaf("edXML:DueDate", h.dueDate?.text)
        if let places = h.toPlaces {
            try writeList("edXML:ToPlaces", item: "edXML:Place", places, out)
        }
        if let o = h.otherInfo {
            try out.open("edXML:OtherInfo")
            try out.leaf("edXML:Priority", o.priority)
            try out.leaf("edXML:SphereOfPromulgation", o.sphereOfPromulgation)
            try out.leaf("edXML:TyperNotation", o.typerNotation)
            try out.leaf("edXML:PromulgationAmount", o.promulgationAmount)
            try out.leaf("edXML:PageAmount", o.pageAmount)
            try out.leaf("edXML:Direction", o.direction)
            if let appendixes = o.appendixes {
                try writeList("edXML:Appendixes", item: "edXML:Appendix", appendixes, out)
            }
            try out.close("edXML:OtherInfo")
        }
        for r in h.responseFor { try writeResponseFor(r, out) }
        try out.leaf("edXML:SteeringType", h.steeringType)
        try writeExtras(document.extras, in: "MessageHeader", out)
        try out.close("edXML:MessageHeader")
        try writeTraceList(document.traceList, extras: document.extras, out)
        if let signature = document.signature { try writeSignature(signature, out) }
    }

    private func writeHeader(_ status: StatusMessage, _ out: XMLTextOutput) throws {
        try out.open("edXML:MessageHeader")
        try writeOrganization("edXML:From", status.from, out)
        if let r = status.responseFor { try writeResponseFor(r, out) }
        if let staff = status.staff { try writeStaff(staff, out) }
        try out.leaf("edXML:StatusCode", status.statusCode?.text)
        try out.leaf("edXML:Description", status.description)
        try out.leaf("edXML:Timestamp", status.timestamp?.text)
        try writeExtras(status.extras, in: "MessageHeader", out)
        try out.close("edXML:MessageHeader")
        if let traceList = status.traceList { try writeTraceList(traceList, extras: status.extras, out) }
        if let signature = status.signature { try writeSignature(signature, out) }
    }

    private func writeSignature(_ signature: EmbeddedSignature, _ out: XMLTextOutput) throws {
        guard let element = signature.element else {
            throw Refusal("edxml.signature_not_kept", "the message was read without keeping its Signature, so it cannot be written back signed")
        }
        try out.fragment(element.xml)
    }

    private func writeOrganization(_ name: String, _ o: Organization, _ out: XMLTextOutput) throws {
        try out.open(name)
        try out.leaf("edXML:OrganId", o.organId?.text)
        try out.leaf("edXML:OrganizationInCharge", o.organizationInCharge)
        try out.leaf("edXML:OrganName", o.organName)
        try out.leaf("edXML:OrganAdd", o.organAdd)
        try out.leaf("edXML:Email", o.email)
        try out.leaf("edXML:Telephone", o.telephone)
        try out.leaf("edXML:Fax", o.fax)
        try out.leaf("edXML:Website", o.website)
        try out.close(name)
    }

    private func writeResponseFor(_ r: ResponseFor, _ out: XMLTextOutput) throws {
        if r.isEmpty { return try out.empty("edXML:ResponseFor") }
        try out.open("edXML:ResponseFor")
        try out.leaf("edXML:OrganId", r.organId?.text)
        try out.leaf("edXML:Code", r.code)
        try out.leaf("edXML:PromulgationDate", r.promulgationDate?.text)
        try out.leaf("edXML:DocumentId", r.documentId)
        try out.close("edXML:ResponseFor")
    }

    private func writeStaff(_ s: StaffInfo, _ out: XMLTextOutput) throws {
        try out.open("edXML:StaffInfo")
        try out.leaf("edXML:Department", s.department)
        try out.leaf("edXML:Staff", s.staff)
        // The samples' order (EDXML.md lists Mobile before Email; the national envelopes do not).
        try out.leaf("edXML:Email", s.email)
        try out.leaf("edXML:Mobile", s.mobile)
        try out.close("edXML:StaffInfo")
    }

    private func writeList(_ name: String, item: String, _ values: [String], _ out: XMLTextOutput) throws {
        if values.isEmpty { return try out.empty(name) }
        try out.open(name)
        for value in values { try out.leaf(item, value) }
        try out.close(name)
    }

    private func writeTraceList(_ list: TraceHeaderList, extras: [OpaqueElement], _ out: XMLTextOutput) throws {
        try out.open("edXML:TraceHeaderList")
        for trace in list.traces {
            try out.open("edXML:TraceHeader")
            try out.leaf("edXML:OrganId", trace.organId?.text)
            try out.leaf("edXML:Timestamp", trace.timestamp?.text)
            try out.close("edXML:TraceHeader")
        }
        if let b = list.business { try writeBusiness(b, extras: extras, out) }
        try writeExtras(extras, in: "TraceHeaderList", out)
        try out.close("edXML:TraceHeaderList")
        // The profile's place for the Signature: right after the trace list, in edXMLHeader.
        out.markSignaturePlace()
    }

    private func writeBusiness(_ b: Business, extras: [OpaqueElement], _ out: XMLTextOutput) throws {
        try out.open("edXML:Bussiness")
        try out.leaf("edXML:DocumentId", b.documentId)
        try out.leaf("edXML:BussinessDocType", b.docType)
        try out.leaf("edXML:BussinessDocReason", b.reason)
        try out.leaf("edXML:Paper", b.paper)
        if let info = b.documentInfo {
            try out.open("edXML:BussinessDocumentInfo")
            try out.leaf("edXML:DocumentInfo", info.documentInfo)
            try out.leaf("edXML:DocumentReceiver", info.documentReceiver)
            if let receivers = info.receivers {
                if receivers.isEmpty { try out.empty("edXML:ReceiverList") } else {
                    try out.open("edXML:ReceiverList")
                    for r in receivers {
                        try out.open("edXML:Receiver")
                        try out.leaf("edXML:OrganId", r.organId?.text)
                        try out.leaf("edXML:ReceiverType", r.receiverType)
                        try out.close("edXML:Receiver")
                    }
                    try out.close("edXML:ReceiverList")
                }
            }
            try out.close("edXML:BussinessDocumentInfo")
        }
        if let replacements = b.replacements {
            if replacements.isEmpty { try out.empty("edXML:ReplacementInfoList") } else {
                try out.open("edXML:ReplacementInfoList")
                for r in replacements {
                    try out.open("edXML:ReplacementInfo")
                    try out.leaf("edXML:DocumentId", r.documentId)
                    if let ids = r.organIds {
                        try writeList("edXML:OrganIdList", item: "edXML:OrganId", ids.map(\.text), out)
                    }
                    try out.close("edXML:ReplacementInfo")
                }
                try out.close("edXML:ReplacementInfoList")
            }
        }
        if let staff = b.staff { try writeStaff(staff, out) }
        try writeExtras(extras, in: "Bussiness", out)
        try out.close("edXML:Bussiness")
    }

    private func writeBody(_ document: EdXMLDocument, _ out: XMLTextOutput) throws {
        guard let manifest = document.manifest else { return }
        try out.open("edXML:edXMLBody")
        let attributes = manifest.version.map { [("version", $0)] } ?? []
        let manifestExtras = document.extras.filter { $0.container == "edXMLManifest" }
        if manifest.references.isEmpty && manifestExtras.isEmpty {
            try out.empty("edXML:edXMLManifest", attributes: attributes)
        } else {
            try out.open("edXML:edXMLManifest", attributes: attributes)
            for r in manifest.references {
                let attributes = r.href.map { [("xmlns:xlink", EdXMLNamespace.xlink), ("xlink:href", $0)] } ?? []
                try out.open("edXML:Reference", attributes: attributes)
                try out.leaf("edXML:ContentId", r.contentId)
                try out.leaf("edXML:ContentType", r.contentType)
                try out.leaf("edXML:Description", r.description)
                try out.leaf("edXML:AttachmentName", r.attachmentName)
                try out.close("edXML:Reference")
            }
            try writeExtras(manifestExtras, in: "edXMLManifest", out)
            try out.close("edXML:edXMLManifest")
        }
        try writeExtras(document.extras, in: "edXMLBody", out)
        try out.close("edXML:edXMLBody")
    }

    private func writeAttachments(_ document: EdXMLDocument, _ out: XMLTextOutput) throws {
        let extras = document.extras.filter { $0.container == "AttachmentEncoded" }
        guard !document.attachments.isEmpty || !extras.isEmpty else { return }
        try out.open("AttachmentEncoded")
        for a in document.attachments {
            try out.open("Attachment")
            try out.leaf("ContentId", a.contentId)
            try out.leaf("AttachmentName", a.attachmentName)
            try out.leaf("Description", a.description)
            try out.leaf("ContentType", a.contentType)
            try out.openInline("edXML:ContentTransferEncoded", attributes: [("xmlns:edXML", EdXMLNamespace.qcvn102)])
            try writePayload(a.payload, out)
            try out.closeInline("edXML:ContentTransferEncoded")
            try out.close("Attachment")
        }
        try writeExtras(extras, in: "AttachmentEncoded", out)
        try out.close("AttachmentEncoded")
    }

    /// A file may have changed since the document was built, so its bytes are checked against
    /// the document's facts; bytes a payload store kept are the ones it was given (hashing a
    /// 1 MB attachment again was 1.4 % of the network's CPU).
    private func writePayload(_ payload: PayloadReference, _ out: XMLTextOutput) throws {
        let bytes = try payloads.bytes(at: payload.location)
        let unchanged: Bool
        if case .file = payload.location {
            unchanged = bytes.count == payload.decodedSize && SHA256Hasher.hexDigest(bytes) == payload.sha256
        } else {
            unchanged = bytes.count == payload.decodedSize
        }
        guard unchanged else {
            throw Refusal("edxml.attachment_changed",
                          "the bytes at \(payload.location) are not the ones the document names (size or SHA-256 differ)")
        }
        switch payload.encoding {
        case .undecodableText:
            try out.text(String(decoding: bytes, as: UTF8.self))
        case .base64:
            try out.base64(bytes)
        }
    }

    private func writeExtras(_ extras: [OpaqueElement], in container: String, _ out: XMLTextOutput) throws {
        for extra in extras where extra.container == container { try out.fragment(extra.xml) }
    }
}
