import ArgumentParser
import EdXML
import Foundation

/// `lienthong validate FILE`: exit 0 when the file is valid edXML, 65 with every finding otherwise.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check an edXML file against the schemas in schemas/ and the field rules.",
        discussion: "Prints every finding as `line N: error|warning: <reason-code>: <sentence>`. Exit 0 when there is no error, 65 otherwise.")

    @Argument(help: "The .edxml file.")
    var file: String

    @Flag(help: "Treat an organisation id of no known form as an error, not a warning.")
    var strict = false

    @Option(help: "Folder holding edxml-document.xsd and edxml-status.xsd (default: found beside the program, or $LIENTHONG_SCHEMAS).")
    var schemas: String?

    @Option(help: "Largest file accepted, in bytes.")
    var maxBytes: Int = EdXMLReader().limits.maxBytes

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
        for finding in report.findings { print(finding.description) }
        let errors = report.findings.filter { $0.severity == .error }
        if errors.isEmpty {
            print("valid \(report.kind)\(report.findings.isEmpty ? "" : " (\(report.findings.count) warning\(report.findings.count == 1 ? "" : "s"))")")
        } else {
            throw CommandFailure.refused(errors[0].reasonCode,
                                         "\(errors.count) error\(errors.count == 1 ? "" : "s") (listed above); the first at line \(errors[0].line.map(String.init) ?? "?"): \(errors[0].message)")
        }
    }
}
