import ArgumentParser
import EdXML
import Foundation

/// `lienthong build --json META.json [--attach FILE]… -o OUT.edxml`: a new outbound document.
struct BuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Build an edXML document from a JSON description and files to attach.",
        discussion: "The JSON shape is documented in docs/edxml.md. The DocumentId is formed as the standard's business key when the JSON gives none, and a TraceHeader for the sender is appended.")

    @Option(name: .customLong("json"), help: "The JSON description of the document.")
    var jsonFile: String

    @Option(name: .customLong("attach"), help: "A file to attach (repeat for several); added after those the JSON lists.")
    var attachments: [String] = []

    @Option(name: .shortAndLong, help: "Where to write the .edxml file.")
    var output: String

    func run() throws {
        let jsonURL = URL(fileURLWithPath: jsonFile)
        guard let json = FileManager.default.contents(atPath: jsonURL.path) else {
            throw CommandFailure.refused("io.unreadable", "cannot read \(jsonFile)")
        }
        var spec = try DocumentBuilder.decode(json: json)
        for path in attachments {
            let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
            spec.attachments = (spec.attachments ?? []) + [OutboundDocument.AttachedFile(file: absolute)]
        }
        let document = try DocumentBuilder().build(spec, baseDirectory: jsonURL.deletingLastPathComponent())
        let findings = FieldRules().check(.document(document))
        for finding in findings { FileHandle.standardError.write(Data("\(finding.description)\n".utf8)) }
        if let error = findings.first(where: { $0.severity == .error }) {
            throw CommandFailure.refused(error.reasonCode, error.message)
        }
        try EdXMLWriter().write(.document(document), to: URL(fileURLWithPath: output))
        print("wrote \(output): document \(document.header.documentId ?? "") from \(document.header.from.organId?.text ?? "") to \(document.header.to.compactMap { $0.organId?.text }.joined(separator: ", ")), \(document.attachments.count) attachment\(document.attachments.count == 1 ? "" : "s")")
    }
}
