import ArgumentParser
import EdXML
import Foundation

/// `lienthong inspect FILE [--json]`: what an edXML file is, who sent it to whom, what it carries.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show what an edXML file holds: kind, sender, recipients, ids, hops, attachments, signature, warnings.")

    @Argument(help: "The .edxml file.")
    var file: String

    @Flag(help: "Print a stable JSON object instead of text.")
    var json = false

    @Option(help: "Largest file accepted, in bytes.")
    var maxBytes: Int = EdXMLReader().limits.maxBytes

    func run() throws {
        var reader = EdXMLReader()
        reader.limits.maxBytes = maxBytes
        let summary = MessageSummary(try reader.read(contentsOf: URL(fileURLWithPath: file)))
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(summary), as: UTF8.self))
        } else {
            print(SummaryText(summary).text, terminator: "")
        }
    }
}

/// The human form of a summary: one fact per line, aligned labels, attachments and warnings listed.
struct SummaryText {
    let summary: MessageSummary

    init(_ summary: MessageSummary) { self.summary = summary }

    /// `rsa-sha1`, `C14N 1.0`, … for the algorithm URIs real traffic uses; the URI otherwise.
    static func algorithmName(_ uri: String) -> String {
        switch uri {
        case "http://www.w3.org/TR/2001/REC-xml-c14n-20010315": "C14N 1.0"
        case "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments": "C14N 1.0 with comments"
        case "http://www.w3.org/2001/10/xml-exc-c14n#", "http://www.w3.org/TR/xml-exc-c14n#": "exclusive C14N"
        case "http://www.w3.org/2001/10/xml-exc-c14n#WithComments": "exclusive C14N with comments"
        default: uri.split(separator: "#").last.map(String.init) ?? uri
        }
    }

    var text: String {
        var lines: [(String, String)] = []
        func add(_ label: String, _ value: String?) { if let value, !value.isEmpty { lines.append((label, value)) } }
        func party(_ p: MessageSummary.Party) -> String {
            [p.organId ?? "(no OrganId)", p.name.map { "(\($0))" }].compactMap { $0 }.joined(separator: " ")
        }
        let s = summary
        add("kind", s.kind)
        add("from", party(s.from))
        if s.kind == "document" {
            for (i, to) in s.to.enumerated() { lines.append((i == 0 ? "to" : "", party(to))) }
            add("document id", s.documentId)
            add("code", s.code)
            add("promulgated", s.promulgationDate)
            add("subject", s.subject)
        } else if let status = s.status {
            add("status", [status.code, status.meaning.map { "(\($0))" }].compactMap { $0 }.joined(separator: " "))
            add("about", [s.documentId, s.code.map { "code \($0)" }, s.to.first?.organId.map { "from \($0)" }]
                .compactMap { $0 }.joined(separator: ", "))
            add("description", status.description)
            add("timestamp", status.timestamp)
        }
        if let b = s.business {
            add("business", [b.name, b.type.map { "(\($0))" }].compactMap { $0 }.joined(separator: " "))
            add("  reason", b.reason)
            add("  concerns", b.documentId)
        }
        lines.append(("trace", s.trace.isEmpty ? "none" : "\(s.trace.count) hop\(s.trace.count == 1 ? "" : "s")"))
        for hop in s.trace { lines.append(("", "\(hop.organId ?? "(no OrganId)") at \(hop.timestamp ?? "(no time)")")) }
        if s.kind == "document" {
            lines.append(("attachments", s.attachments.isEmpty ? "none" : "\(s.attachments.count)"))
            for a in s.attachments {
                var facts = [a.contentType ?? "no content type", "\(a.decodedSize) bytes"]
                if a.zipped { facts.append("zipped") }
                if !a.base64 { facts.append("NOT base64") }
                lines.append(("", "\(a.name ?? a.contentId ?? "(unnamed)"): \(facts.joined(separator: ", "))"))
                if let sha256 = a.sha256 { lines.append(("", "  sha256 \(sha256)")) }
            }
        }
        if let sig = s.signature {
            var facts = ["present"] + [sig.signatureMethod, sig.canonicalization].compactMap { $0.map(Self.algorithmName) }
            facts.append(sig.certificate ? "with certificate" : "no certificate")
            if !sig.xmlDSigNamespace { facts.append("not in the XML-DSig namespace") }
            lines.append(("signature", facts.joined(separator: ", ")))
        } else {
            lines.append(("signature", "none"))
        }
        lines.append(("findings", s.findings.isEmpty ? "none" : "\(s.findings.count)"))
        for f in s.findings { lines.append(("", f.description)) }

        let width = lines.map(\.0.count).max() ?? 0
        return lines.map { label, value in
            let head = label.isEmpty ? String(repeating: " ", count: width + 2) : label + ":" + String(repeating: " ", count: width - label.count + 1)
            return head + value + "\n"
        }.joined()
    }
}
