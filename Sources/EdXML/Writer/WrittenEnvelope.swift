import Foundation

/// A message as `EdXMLWriter.written` wrote it, with what signing it needs without reading it
/// back: the place for an enveloped signature and whether the canonical form streamed alongside
/// is exact.
public struct WrittenEnvelope: Sendable {
    public var bytes: Data
    /// The byte offset in `bytes` right after `</edXML:TraceHeaderList>`, where the profile puts
    /// the Signature; nil when the message has no trace list.
    public var signaturePlace: Int?
    /// False when the message carried parts kept as text from an earlier read (elements the model
    /// does not know, a signature): their canonical form only a parser can give, so the canonical
    /// sink did not get the whole of it.
    public var canonicalFormIsExact: Bool
}
