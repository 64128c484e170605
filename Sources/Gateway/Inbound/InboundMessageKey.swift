import EdXML
import Foundation
import LibCrypto

/// The key of the duplicate check. The bus may deliver a message twice (at-least-once) and
/// re-serialises what it delivers, appending its own TraceHeader, so the key is made of what the
/// sender wrote, never of the bytes:
/// - a document: `edoc|<From/OrganId>|<DocumentId>|<recipient>`, where DocumentId falls back to
///   `<From>,<PromulgationDate>,<Code>` and then to the envelope's SHA-256; a business change
///   (BussinessDocType 1–3) adds `|b<type>@<the sender's TraceHeader timestamp>` so a revoke or an
///   update is not taken for the document it changes;
/// - a status: `status|<From/OrganId>|<ResponseFor DocumentId>|<StatusCode>|<Timestamp>`.
enum InboundMessageKey {
    static func document(_ document: EdXMLDocument, documentID: String, recipient: String) -> String {
        let from = document.header.from.organId?.text.trimmingCharacters(in: .whitespaces) ?? ""
        var key = "edoc|\(from)|\(documentID)|\(recipient)"
        if let kind = document.traceList.business?.kind, kind != .new {
            let stamp = document.traceList.traces.first { $0.organId?.text == from }?.timestamp?.text ?? ""
            key += "|b\(kind.code)@\(stamp)"
        }
        return key
    }

    static func status(_ status: StatusMessage, documentID: String, envelope: [UInt8]) -> String {
        let from = status.from.organId?.text.trimmingCharacters(in: .whitespaces) ?? ""
        let stamp = status.timestamp?.text ?? "sha256:\(SHA256Hasher.hexDigest(envelope))"
        return "status|\(from)|\(documentID)|\(status.statusCode?.text ?? "")|\(stamp)"
    }

    /// The document's business key: its DocumentId, else the one the standard derives, else the
    /// envelope's digest.
    static func documentID(of header: DocumentHeader, envelope: [UInt8]) -> String {
        businessKey(of: header) ?? "sha256:\(SHA256Hasher.hexDigest(envelope))"
    }

    /// Its DocumentId, else `<From>,<PromulgationDate>,<Code>`: what a status about it names.
    static func businessKey(of header: DocumentHeader) -> String? {
        if let id = header.documentId?.trimmingCharacters(in: .whitespacesAndNewlines), !id.isEmpty { return id }
        if let sender = header.from.organId, let date = header.promulgation?.date, let code = header.code, !code.combined.isEmpty {
            return DocumentBuilder.businessKey(sender: sender, date: date, code: code)
        }
        return nil
    }

    /// The document a status or a recall is about.
    static func documentID(of about: ResponseFor) -> String? {
        if let id = about.documentId?.trimmingCharacters(in: .whitespacesAndNewlines), !id.isEmpty { return id }
        if let organId = about.organId, let date = about.promulgationDate, let code = about.code, !code.isEmpty {
            return "\(organId.text),\(date.text),\(code)"
        }
        return nil
    }
}
