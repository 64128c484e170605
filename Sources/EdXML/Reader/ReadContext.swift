import Foundation
import LibXML

/// What one read gathers besides the model: findings about quirks and the line of each field
/// (so field rules can point at the right place).
final class ReadContext {
    var findings: [Finding] = []
    var lines = SourceLines()
    let lineOffset: Int
    let payloads: any PayloadStore

    init(lineOffset: Int, payloads: any PayloadStore) {
        self.lineOffset = lineOffset
        self.payloads = payloads
    }

    func line(of element: XMLElement) -> Int { element.line + lineOffset }

    func note(_ code: String, _ message: String, at element: XMLElement?) {
        findings.append(.warning(code, message, line: element.map(line(of:))))
    }

    func record(_ path: String, _ element: XMLElement?) {
        if let element { lines[path] = line(of: element) }
    }

    /// A reader over the children of `element`: fields are taken by local name in any order;
    /// whatever is left over when `finish` is called is kept (for containers the writer can put
    /// it back into) or reported.
    func fields(of element: XMLElement, path: String) -> ElementFields {
        ElementFields(element: element, path: path, context: self)
    }
}

/// Lines of the fields of a message, by path (`To[1].OrganId`, `Attachment[0]`, …).
public struct SourceLines: Sendable, Hashable {
    var byPath: [String: Int] = [:]

    public init() {}

    public subscript(path: String) -> Int? {
        get { byPath[path] }
        set { byPath[path] = newValue }
    }
}

final class ElementFields {
    let element: XMLElement
    let path: String
    private let context: ReadContext
    private var taken: Set<String> = []

    init(element: XMLElement, path: String, context: ReadContext) {
        self.element = element
        self.path = path
        self.context = context
        if element.hasUndeclaredPrefix {
            context.note("edxml.undeclared_prefix", "\(element.localName) uses a namespace prefix that is not declared; read by its local name", at: element)
        }
    }

    private func qualified(_ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }

    /// The one child called `name`; a second one is reported and not read.
    func child(_ name: String) -> XMLElement? {
        taken.insert(name)
        let found = element.lenientChildren(named: name)
        if found.count > 1 {
            context.note("edxml.duplicate_element",
                         "\(element.localName) has \(found.count) \(name) elements; only the first is read", at: found[1])
        }
        context.record(qualified(name), found.first)
        return found.first
    }

    /// Every child called `name`, in order.
    func children(_ name: String) -> [XMLElement] {
        taken.insert(name)
        let found = element.lenientChildren(named: name)
        for (i, e) in found.enumerated() { context.record("\(qualified(name))[\(i)]", e) }
        return found
    }

    /// The text of the one child called `name`, exactly as written (nil when absent).
    func text(_ name: String) -> String? { child(name)?.text }

    func organId(_ name: String) -> OrganId? { text(name).map { OrganId($0) } }
    func date(_ name: String) -> DateText? { text(name).map { DateText($0) } }

    /// Texts of the `item` children of the one `list` child (nil when `list` is absent).
    func list(_ list: String, item: String) -> [String]? {
        guard let container = child(list) else { return nil }
        let inner = context.fields(of: container, path: qualified(list))
        defer { inner.finish(keepIn: nil) }
        return inner.children(item).map(\.text)
    }

    /// Handles children no field took. With `keepIn`, they become opaque elements the writer puts
    /// back at the end of that container; without, they are reported as dropped on rewrite.
    @discardableResult
    func finish(keepIn container: String?, except ignored: Set<String> = []) -> [OpaqueElement] {
        var kept: [OpaqueElement] = []
        for child in element.children where !taken.contains(child.lenientName) && !ignored.contains(child.lenientName) {
            if let container {
                kept.append(OpaqueElement(reading: child, container: container))
                context.note("edxml.unknown_element", "\(element.lenientName) holds \(child.lenientName), which edXML does not name; it is kept as it is", at: child)
            } else {
                context.note("edxml.unknown_element", "\(element.lenientName) holds \(child.lenientName), which edXML does not name; it is not kept when the message is written again", at: child)
            }
        }
        return kept
    }
}

extension OpaqueElement {
    /// Keeps `element` as XML text that declares the namespaces it uses, except the edXML default
    /// namespace when it was only inherited: the writer always places fragments where that default
    /// is in scope, so an undeclared `<Signature>` is written back as `<Signature>`.
    init(reading element: XMLElement, container: String) {
        var xml = String(decoding: element.serializedStandalone(), as: UTF8.self)
        let inherited = " xmlns=\"\(EdXMLNamespace.qcvn102)\""
        let declaresItself = element.namespaceDeclarations.contains { $0.prefix == nil && $0.uri == EdXMLNamespace.qcvn102 }
        if !declaresItself, let end = xml.firstIndex(of: ">"), let range = xml.range(of: inherited, range: xml.startIndex..<end) {
            xml.removeSubrange(range)
        }
        self.init(container: container, localName: element.lenientName, namespaceURI: element.namespaceURI, xml: xml)
    }
}
