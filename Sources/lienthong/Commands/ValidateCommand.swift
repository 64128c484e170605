import ArgumentParser
import EdXML
import Foundation

/// `lienthong validate FILE`: exit 0 when the file is valid edXML, 65 with every finding otherwise.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check an edXML file against the schemas in schemas/ and the field rules.",
        discussion: "Prints every finding as `line N: error|warning: <reason-code>: <sentence>` (with --json, one object: valid, kind, findings). Exit 0 when there is no error, 65 otherwise.")

    @Argument(help: "The .edxml file.")
    var file: String

    @Flag(help: "Treat an organisation id of no known form as an error, not a warning.")
    var strict = false

    @Option(help: "Folder holding edxml-document.xsd and edxml-status.xsd (default: found beside the program, or $LIENTHONG_SCHEMAS).")
    var schemas: String?

    @Option(help: "Largest file accepted, in bytes.")
    var maxBytes: Int = EdXMLReader().limits.maxBytes

    @Flag(help: "Print the report as one JSON object: valid, kind and the findings.")
    var json = false

    /// What `--json` prints.
    struct JSONReport: Encodable {
        let valid: Bool
        let kind: String
        let findings: [Finding]
    }

    func run() throws {
        let directory: URL
        if let schemas {
            directory = URL(fileURLWithPath: schemas)
        } else if let found = SchemaLocator.find() {
            directory = found
        } else {
            throw CommandFailure.unavailable("schema.not_found",
                                             "the edXML schemas were not found; pass --schemas DIR or set LIENTHONG_SCHEMAS")
        }
        let validator: EdXMLValidator
        do {
            validator = try EdXMLValidator(schemaDirectory: directory, strictOrganIds: strict)
        } catch let error as any ReasonCoded {
            throw CommandFailure.unavailable(error.reasonCode, error.explanation)
        }
        var reader = validator.reader
        reader.limits.maxBytes = maxBytes
        let report = try validator.validate(contentsOf: URL(fileURLWithPath: file), reader: reader)
        let errors = report.findings.filter { $0.severity == .error }
        if json {
            try JSONOutput.print(JSONReport(valid: errors.isEmpty, kind: report.kind, findings: report.findings))
        } else {
            for finding in report.findings { print(finding.description) }
            if errors.isEmpty {
                print("valid \(report.kind)\(report.findings.isEmpty ? "" : " (\(report.findings.count) warning\(report.findings.count == 1 ? "" : "s"))")")
            }
        }
        guard let first = errors.first else { return }
        throw CommandFailure.refused(first.reasonCode,
                                     "\(errors.count) error\(errors.count == 1 ? "" : "s") (listed \(json ? "in the report" : "above")); the first at line \(first.line.map(String.init) ?? "?"): \(first.message)")
    }
}
