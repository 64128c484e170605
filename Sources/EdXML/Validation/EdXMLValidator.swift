import Foundation
import LibXML

/// Every finding about one file: the XSD's (structure) and the field rules' (what an XSD cannot say).
public struct ValidationReport: Sendable {
    public var kind: String
    public var findings: [Finding]

    public var isValid: Bool { !findings.contains { $0.severity == .error } }
}

/// Validates edXML files: the hardened parse, the XSD for the message's kind, then the field rules.
/// The schemas are compiled once; one validator may serve many files.
public struct EdXMLValidator: Sendable {
    public let documentSchema: XMLSchema
    public let statusSchema: XMLSchema
    public var reader: EdXMLReader

    public init(schemaDirectory: URL, strictOrganIds: Bool = false) throws {
        documentSchema = try Self.compile(schemaDirectory.appendingPathComponent(SchemaLocator.documentSchema))
        statusSchema = try Self.compile(schemaDirectory.appendingPathComponent(SchemaLocator.statusSchema))
        reader = EdXMLReader(strictOrganIds: strictOrganIds)
    }

    private static func compile(_ url: URL) throws -> XMLSchema {
        guard let bytes = FileManager.default.contents(atPath: url.path) else {
            throw Refusal("schema.not_found", "cannot read the schema \(url.path)")
        }
        do {
            return try XMLSchema(bytes: Array(bytes))
        } catch {
            throw Refusal("schema.unusable", "the schema \(url.lastPathComponent) does not compile: \(error.description)")
        }
    }

    public func validate(contentsOf url: URL, reader: EdXMLReader? = nil) throws -> ValidationReport {
        let reader = reader ?? self.reader
        return try validate(reader.parse(contentsOf: url), reader: reader)
    }

    public func validate(_ bytes: Data) throws -> ValidationReport {
        try validate(reader.parse(bytes), reader: reader)
    }

    /// Throws only when the input is not XML or not edXML at all (the reader's refusals).
    public func validate(_ input: ParsedInput, reader: EdXMLReader) throws -> ValidationReport {
        let result = try reader.read(input)
        let schema: XMLSchema
        let kind: String
        switch result.message {
        case .document: schema = documentSchema; kind = "document"
        case .status: schema = statusSchema; kind = "status"
        }
        let structural = schema.validate(input.document).map {
            Finding.error("schema.invalid", $0.message, line: $0.line > 0 ? $0.line + input.lineOffset : nil)
        }
        let findings = (structural + result.findings).sorted { ($0.line ?? 0, $0.severity == .error ? 0 : 1) < ($1.line ?? 0, $1.severity == .error ? 0 : 1) }
        return ValidationReport(kind: kind, findings: findings)
    }
}
