internal import CLibXML2

/// One thing an XSD says is wrong with a document.
public struct SchemaFinding: Sendable, Equatable, CustomStringConvertible {
    public let line: Int
    public let message: String
    public var description: String { "line \(line): \(message)" }
}

public struct SchemaError: Error, Sendable, CustomStringConvertible {
    public let description: String
}

/// A compiled XML Schema. Compile once and keep it; each `validate` uses its own context, so one
/// schema may serve many tasks at once (libxml2 schemas are read-only after parsing).
public final class XMLSchema: @unchecked Sendable {
    let pointer: xmlSchemaPtr

    public init(bytes: [UInt8]) throws(SchemaError) {
        _ = LibXML2Setup.done
        let findings = FindingCollector()
        let schema: xmlSchemaPtr? = bytes.withUnsafeBytes { buffer in
            let chars = buffer.bindMemory(to: CChar.self)
            // The parser context keeps `buffer` until parsing ends: all of it happens in here.
            guard let context = xmlSchemaNewMemParserCtxt(chars.baseAddress, Int32(buffer.count)) else { return nil }
            defer { xmlSchemaFreeParserCtxt(context) }
            xmlSchemaSetParserStructuredErrors(context, collectFinding, Unmanaged.passUnretained(findings).toOpaque())
            return withExtendedLifetime(findings) { xmlSchemaParse(context) }
        }
        guard let schema else {
            throw SchemaError(description: "the schema does not compile: "
                + findings.findings.map(\.description).joined(separator: "; "))
        }
        pointer = schema
    }

    deinit { xmlSchemaFree(pointer) }

    /// Every finding, in document order; empty when the document is valid.
    public func validate(_ document: XMLDocument) -> [SchemaFinding] {
        guard let context = xmlSchemaNewValidCtxt(pointer) else {
            return [SchemaFinding(line: 0, message: "libxml2 could not create a validation context")]
        }
        defer { xmlSchemaFreeValidCtxt(context) }
        let findings = FindingCollector()
        xmlSchemaSetValidStructuredErrors(context, collectFinding, Unmanaged.passUnretained(findings).toOpaque())
        let status = withExtendedLifetime(findings) { xmlSchemaValidateDoc(context, document.pointer) }
        if status != 0 && findings.findings.isEmpty {
            return [SchemaFinding(line: 0, message: "the document does not satisfy the schema")]
        }
        return findings.findings
    }
}

private final class FindingCollector {
    var findings: [SchemaFinding] = []
}

private let collectFinding: xmlStructuredErrorFunc = { context, error in
    guard let context, let error else { return }
    let collector = Unmanaged<FindingCollector>.fromOpaque(context).takeUnretainedValue()
    var message = error.pointee.message.map { String(cString: $0) } ?? "invalid"
    while message.last == "\n" || message.last == " " { message.removeLast() }
    collector.findings.append(SchemaFinding(line: Int(error.pointee.line), message: message))
}
