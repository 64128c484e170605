import Foundation
import LibXML

/// What one read gathers besides the model: findings about quirks and the line of each field
/// (so field rules can point at the right place).
final class ReadContext {
    var findings: [Finding] = []
    var lines = SourceLines()
    let lineOffset: Int
    let payloads: any PayloadStore
    let keepsSignatureElement: Bool

    init(lineOffset: Int, payloads: any PayloadStore, keepsSignatureElement: Bool) {
        self.lineOffset = lineOffset
        self.payloads = payloads
        self.keepsSignatureElement = keepsSignatureElement
        // A message records a few dozen paths: growing the table from empty rehashed it several times.
        lines.byPath.reserveCapacity(64)
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
    /// The children, walked once; `taken[i]` says whether a field read `childElements[i]`.
    private let childElements: [XMLElement]
    private var taken: [Bool]

    init(element: XMLElement, path: String, context: ReadContext) {
        self.element = element
        self.path = path
        self.context = context
        childElements = element.children
        taken = Array(repeating: false, count: childElements.count)
        if element.hasUndeclaredPrefix {
            context.note("edxml.undeclared_prefix", "\(element.localName) uses a namespace prefix that is not declared; read by its local name", at: element)
        }
    }

    private func qualified(_ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }

    /// Marks every child called `name` as read and calls `body` with each, in order.
    private func take(_ name: String, _ body: (XMLElement) -> Void) {
        for index in childElements.indices where childElements[index].hasLenientName(name) {
            taken[index] = true
            body(childElements[index])
        }
    }

    /// The one child called `name`; a second one is reported and not read.
    func child(_ name: String) -> XMLElement? {
        var first: XMLElement?
        var second: XMLElement?
        var count = 0
        take(name) { element in
            count += 1
            if first == nil { first = element } else if second == nil { second = element }
        }
        if let second {
            context.note("edxml.duplicate_element",
                         "\(element.localName) has \(count) \(name) elements; only the first is read", at: second)
        }
        if let first { context.record(qualified(name), first) }
        return first
    }

    /// Every child called `name`, in order.
    func children(_ name: String) -> [XMLElement] {
        var found: [XMLElement] = []
        take(name) { found.append($0) }
        if !found.isEmpty {
            let prefix = qualified(name)
            for (i, e) in found.enumerated() { context.record("\(prefix)[\(i)]", e) }
        }
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
    func finish(keepIn container: String?, except ignored: [String] = []) -> [OpaqueElement] {
        var kept: [OpaqueElement] = []
        for (index, child) in childElements.enumerated() where !taken[index] && !ignored.contains(where: child.hasLenientName) {
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
