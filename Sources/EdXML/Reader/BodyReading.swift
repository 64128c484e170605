import Foundation
import LibXML

/// The manifest in `edXMLBody` and the files in `AttachmentEncoded`.
struct BodyReading {
    let context: ReadContext

    func readManifest(_ element: XMLElement?) -> (Manifest?, [OpaqueElement]) {
        guard let element else { return (nil, []) }
        let f = context.fields(of: element, path: "")
        let references = f.children("Reference").enumerated().map { i, r in
            context.record("Reference[\(i)]", r)
            let rf = context.fields(of: r, path: "Reference[\(i)]")
            defer { rf.finish(keepIn: nil) }
            // `xlink:href` with the prefix undeclared (a real sample) arrives as a plain attribute.
            let href = r.attributes.first { $0.localName == "href" || $0.localName == "xlink:href" }?.value
            return ManifestReference(contentId: rf.text("ContentId"), contentType: rf.text("ContentType"),
                                     description: rf.text("Description"), attachmentName: rf.text("AttachmentName"), href: href)
        }
        return (Manifest(version: element.attribute("version"), references: references), f.finish(keepIn: "edXMLManifest"))
    }

    func readAttachments(_ element: XMLElement) throws -> ([Attachment], [OpaqueElement]) {
        let f = context.fields(of: element, path: "")
        var attachments: [Attachment] = []
        for (i, a) in f.children("Attachment").enumerated() {
            context.record("Attachment[\(i)]", a)
            let af = context.fields(of: a, path: "Attachment[\(i)]")
            let encoded = af.child("ContentTransferEncoded")
            let payload = try readPayload(encoded, attachment: a)
            attachments.append(Attachment(contentId: af.text("ContentId"), attachmentName: af.text("AttachmentName"),
                                          description: af.text("Description"), contentType: af.text("ContentType"),
                                          payload: payload))
            af.finish(keepIn: nil)
        }
        return (attachments, f.finish(keepIn: "AttachmentEncoded"))
    }

    /// Decodes the base64 (line breaks and spaces allowed) and hands the bytes to the payload store.
    /// Text that is not base64 is kept as it is, so a rewrite loses nothing; `FieldRules` reports it.
    /// A store that measures sizes only gets the same facts from a scan that writes nothing.
    private func readPayload(_ encoded: XMLElement?, attachment: XMLElement) throws -> PayloadReference {
        let text = encoded?.textBytes ?? []
        if context.payloads.measuresSizesOnly {
            guard let measured = Base64Decoding.measure(text) else {
                return PayloadFacts.measured(size: text.count, head: text.prefix(4), encoding: .undecodableText)
            }
            return PayloadFacts.measured(size: measured.count, head: measured.head)
        }
        if let decoded = Base64Decoding.decode(text) {
            return try PayloadFacts.reference(for: decoded, keptIn: context.payloads)
        }
        return try PayloadFacts.reference(for: Data(text), encoding: .undecodableText, keptIn: context.payloads)
    }
}
