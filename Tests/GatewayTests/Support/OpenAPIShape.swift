import Foundation
import TestSupport
import Yams

/// docs/openapi.yaml, read so that a test can hold a real answer against what the file says of
/// it: every key declared (undeclared keys count as a difference unless `additionalProperties`
/// allows them), every required key present, types, enums, `const` and date-times as declared.
struct OpenAPIShape {
    let document: [String: Any]

    init() throws {
        let text = try String(contentsOf: Paths.packageRoot.appendingPathComponent("docs/openapi.yaml"), encoding: .utf8)
        guard let document = try Yams.load(yaml: text) as? [String: Any] else { throw Unreadable() }
        self.document = document
    }

    struct Unreadable: Error {}

    /// The schema of the answer `status` with `contentType` to `method path`, or nil if the file has none.
    func responseSchema(_ method: String, _ path: String, status: Int, contentType: String) -> [String: Any]? {
        let paths = document["paths"] as? [String: Any]
        let operation = (paths?[path] as? [String: Any])?[method.lowercased()] as? [String: Any]
        guard var response = (operation?["responses"] as? [String: Any])?[String(status)] as? [String: Any] else { return nil }
        if let reference = response["$ref"] as? String { response = resolve(reference) ?? [:] }
        return ((response["content"] as? [String: Any])?[contentType] as? [String: Any])?["schema"] as? [String: Any]
    }

    /// The differences between `value` (parsed JSON) and `schema`, each with its JSON path.
    func differences(_ value: Any, schema: [String: Any], path: String = "$") -> [String] {
        if let reference = schema["$ref"] as? String {
            guard let resolved = resolve(reference) else { return ["\(path): unresolvable \(reference)"] }
            return differences(value, schema: resolved, path: path)
        }
        if let all = schema["allOf"] as? [[String: Any]] {
            return all.flatMap { differences(value, schema: $0, path: path).filter { !$0.contains("is not declared") } }
                + undeclared(value, in: all, path: path)
        }
        if let constant = schema["const"], "\(constant)" != "\(value)" { return ["\(path): \(value) is not \(constant)"] }
        if let options = schema["enum"] as? [Any], !options.contains(where: { "\($0)" == "\(value)" }) {
            return ["\(path): \(value) is not one of \(options)"]
        }
        switch schema["type"] as? String {
        case "object": return objectDifferences(value, schema: schema, path: path)
        case "array":
            guard let items = value as? [Any] else { return ["\(path): not an array"] }
            let itemSchema = schema["items"] as? [String: Any] ?? [:]
            return items.enumerated().flatMap { differences($0.element, schema: itemSchema, path: "\(path)[\($0.offset)]") }
        case "string":
            guard let text = value as? String else { return ["\(path): not a string"] }
            if schema["format"] as? String == "date-time", ISO8601DateFormatter().date(from: text) == nil {
                return ["\(path): \(text) is not a date-time"]
            }
            return []
        case "integer": return value as? Int == nil || value is String ? ["\(path): not an integer"] : []
        case "boolean": return value as? Bool == nil ? ["\(path): not a boolean"] : []
        default: return []
        }
    }

    private func objectDifferences(_ value: Any, schema: [String: Any], path: String) -> [String] {
        guard let object = value as? [String: Any] else { return ["\(path): not an object"] }
        let properties = schema["properties"] as? [String: Any] ?? [:]
        var found = ((schema["required"] as? [String]) ?? []).filter { object[$0] == nil }.map { "\(path).\($0): required, missing" }
        for (key, member) in object.sorted(by: { $0.key < $1.key }) {
            if let property = properties[key] as? [String: Any] {
                found += differences(member, schema: property, path: "\(path).\(key)")
            } else if let additional = schema["additionalProperties"] as? [String: Any] {
                found += differences(member, schema: additional, path: "\(path).\(key)")
            } else if schema["additionalProperties"] as? Bool != true {
                found.append("\(path).\(key): is not declared")
            }
        }
        return found
    }

    /// Keys of `value` that none of the `allOf` schemas declares.
    private func undeclared(_ value: Any, in schemas: [[String: Any]], path: String) -> [String] {
        guard let object = value as? [String: Any] else { return [] }
        let declared = Set(schemas.flatMap { schema -> [String] in
            let resolved = (schema["$ref"] as? String).flatMap(resolve) ?? schema
            return Array((resolved["properties"] as? [String: Any] ?? [:]).keys)
        })
        return object.keys.sorted().filter { !declared.contains($0) }.map { "\(path).\($0): is not declared" }
    }

    private func resolve(_ reference: String) -> [String: Any]? {
        guard reference.hasPrefix("#/") else { return nil }
        var node: Any? = document
        for piece in reference.dropFirst(2).split(separator: "/") { node = (node as? [String: Any])?[String(piece)] }
        return node as? [String: Any]
    }
}
