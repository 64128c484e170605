import EdXML
import Foundation
import LibCrypto
import LibXML

/// A unit's document, checked and completed, not yet signed: the model and its attachment bytes.
struct DraftDocument: Sendable {
    var document: EdXMLDocument
    var payloads: MemoryPayloadStore
}

/// Reads a `UnitSubmission` in any of its three forms into a `DraftDocument`: the JSON of
/// `lienthong build` (attachments as base64), multipart/form-data (that JSON in a `document`
/// part, then files), or a ready `.edxml` read with the configured XML limits. Every form ends
/// with the same checks: no finding that is an error, a `From` the unit may send as, recipients
/// that are well formed and distinct.
struct SubmissionReader: Sendable {
    var limits: XMLParseLimits
    /// The XSDs, when they were found at start; without them the field rules still apply.
    var validator: EdXMLValidator?
    var now: @Sendable () -> Date

    func read(_ submission: UnitSubmission, for unit: AuthenticatedUnit) throws -> DraftDocument {
        let draft: DraftDocument
        switch submission.format {
        case .json:
            draft = try build(from: Data(submission.body), files: nil)
        case .multipart(let boundary):
            let (document, files) = try documentPart(of: MultipartFormData.parse(submission.body, boundary: boundary))
            draft = try build(from: Data(document.body), files: files)
        case .edxml:
            draft = try readEnvelope(Data(submission.body))
        }
        try OutboundChecks.sender(draft.document.header.from, mayBeUsedBy: unit)
        try OutboundChecks.recipients(draft.document.header.to)
        return draft
    }

    /// What identifies the request for `Idempotency-Key`: its bytes, or for multipart the parts
    /// themselves (a client draws a new boundary each time it sends the same files).
    func fingerprint(_ submission: UnitSubmission) throws -> String {
        switch submission.format {
        case .json: return SHA256Hasher.hexDigest(Array("json\n".utf8) + submission.body)
        case .edxml: return SHA256Hasher.hexDigest(Array("edxml\n".utf8) + submission.body)
        case .multipart(let boundary):
            let hasher = SHA256Hasher()
            hasher.update(Array("multipart\n".utf8))
            for part in try MultipartFormData.parse(submission.body, boundary: boundary) {
                let header = [part.name, part.fileName ?? "", part.contentType ?? "", SHA256Hasher.hexDigest(Array(part.body))]
                hasher.update(Array((header.joined(separator: "\u{0}") + "\n").utf8))
            }
            return hasher.finishHex()
        }
    }

    private func documentPart(of parts: [MultipartPart]) throws -> (MultipartPart, [MultipartPart]) {
        guard let index = parts.firstIndex(where: { $0.name == "document" }) else {
            throw Problem(.badRequest, "request.document_part_missing",
                          "a multipart submission needs a part named \"document\" holding the document's JSON")
        }
        var files = parts
        let document = files.remove(at: index)
        return (document, files)
    }

    private func build(from json: Data, files: [MultipartPart]?) throws -> DraftDocument {
        let (spec, attachments) = try UnitDocumentJSON.decode(json, files: files)
        var document = try DocumentBuilder(now: now).build(spec)
        let payloads = MemoryPayloadStore()
        var manifest = document.manifest ?? Manifest()
        for file in attachments {
            let contentId = "cid:" + UUID().uuidString.lowercased()
            manifest.references.append(ManifestReference(contentId: contentId, contentType: file.contentType,
                                                         description: file.description, attachmentName: file.name))
            document.attachments.append(Attachment(contentId: contentId, attachmentName: file.name, description: file.description,
                                                   contentType: file.contentType,
                                                   payload: try PayloadFacts.reference(for: file.bytes, keptIn: payloads)))
        }
        document.manifest = manifest
        try OutboundChecks.refuseErrors(FieldRules().check(.document(document)))
        return DraftDocument(document: document, payloads: payloads)
    }

    /// A ready envelope: parsed under the limits (no DOCTYPE, bounded depth, size and text),
    /// read, validated, then completed with what a unit may leave out.
    private func readEnvelope(_ bytes: Data) throws -> DraftDocument {
        let payloads = MemoryPayloadStore()
        let reader = EdXMLReader(limits: limits, payloads: payloads)
        let input = try reader.parse(bytes)
        let result = try reader.read(input)
        guard case .document(var document) = result.message else {
            throw Refusal("outbound.not_a_document",
                          "the envelope is a status message; statuses are sent with POST /v1/inbox/{id}/status")
        }
        if document.signature != nil {
            throw Refusal("outbound.already_signed",
                          "the envelope already carries a Signature; the gateway completes the envelope (TraceHeader) and signs it with the organisation's key, which would break a signature made before: send it unsigned")
        }
        let structural = validator.map { validator in
            validator.documentSchema.validate(input.document).map {
                Finding.error("schema.invalid", $0.message, line: $0.line > 0 ? $0.line + input.lineOffset : nil)
            }
        } ?? []
        try OutboundChecks.refuseErrors(structural + result.findings)
        complete(&document)
        return DraftDocument(document: document, payloads: payloads)
    }

    /// What a unit may leave out of a ready envelope: the DocumentId (then the standard's business
    /// key) and the sender's hop, which the gateway appends as every hop does. An envelope whose
    /// last hop already is the sender (as `lienthong build` writes it) keeps that hop: the unit
    /// and its gateway are one organisation, one hop.
    private func complete(_ document: inout EdXMLDocument) {
        let header = document.header
        if (header.documentId ?? "").trimmingCharacters(in: .whitespaces).isEmpty,
           let sender = header.from.organId, let date = header.promulgation?.date, let code = header.code {
            document.header.documentId = DocumentBuilder.businessKey(sender: sender, date: date, code: code)
        }
        if let sender = header.from.organId, document.traceList.traces.last?.organId != sender {
            document.traceList = document.traceList.appending(organId: sender, at: now())
        }
    }
}
