/// The exclusive canonical form (Exclusive XML Canonicalization 1.0, without comments, no
/// inclusive prefixes) of the text `XMLTextOutput` writes, made alongside it. A signer digests
/// this instead of parsing the written envelope back and running libxml2's canonicaliser over it,
/// which was most of the signing cost beyond RSA itself (docs/perf/exchange.md, session 17).
///
/// It renders what the canonicaliser renders for the parsed text: no XML declaration and no
/// white space outside the root; empty elements as start and end tags; namespace declarations
/// only where the element or one of its attributes uses the prefix and no output ancestor has
/// already rendered the same binding; namespaces, then attributes, in canonical order; C14N's
/// escapes. Text the writer copies in from an earlier read (`fragment`) has a canonical form only
/// a parser can tell, so the echo then gives up: `isExact` turns false for good.
final class CanonicalEcho {
    private struct Binding {
        let prefix: String
        let uri: String
    }

    /// An open element: the bindings it declares and those it rendered (most have none of either).
    private struct Scope {
        var declared: [Binding] = []
        var rendered: [Binding] = []
    }

    private let sink: (UnsafeRawBufferPointer) -> Void
    private var buffer: [UInt8] = []
    private(set) var isExact = true
    private var scopes: [Scope] = []
    private static let stagingLimit = 16 << 10

    init(sink: @escaping (UnsafeRawBufferPointer) -> Void) {
        self.sink = sink
        buffer.reserveCapacity(Self.stagingLimit)
    }

    func giveUp() { isExact = false }

    /// Indentation between elements: character data inside the root, dropped outside it.
    func whitespace(_ bytes: ArraySlice<UInt8>) {
        guard isExact, !scopes.isEmpty else { return }
        buffer.append(contentsOf: bytes)
    }

    func startTag(_ name: String, _ attributes: [(String, String)]) {
        guard isExact else { return }
        scopes.append(Scope())
        if attributes.isEmpty {
            // Nearly every element: no attribute, its prefix bound and rendered above it.
            let prefix = Self.prefix(of: name)
            guard let uri = binding(of: prefix) else { return giveUp() }
            append("<")
            append(name)
            if renderedByAncestor(prefix) != uri { render(Binding(prefix: String(prefix), uri: uri)) }
            append(">")
        } else {
            startTagWithAttributes(name, attributes)
        }
    }

    func endTag(_ name: String) {
        guard isExact else { return }
        append("</")
        append(name)
        append(">")
        scopes.removeLast()
    }

    /// Character data, as the writer's escaped text reads back: the same characters.
    func text(_ text: String, plain: Bool) {
        guard isExact else { return }
        if plain { return append(text) }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": append("&amp;")
            case "<": append("&lt;")
            case ">": append("&gt;")
            case "\r": append("&#xD;")
            default: UTF8.encode(scalar) { buffer.append($0) }
            }
        }
    }

    /// Text with nothing to escape that is already in the output's encoding (base64).
    func verbatim(_ bytes: UnsafeRawBufferPointer) {
        guard isExact else { return }
        flush()
        sink(bytes)
    }

    func flush() {
        guard !buffer.isEmpty else { return }
        buffer.withUnsafeBytes(sink)
        buffer.removeAll(keepingCapacity: true)
    }

    /// The general case: namespaces the element or its attributes use and no ancestor rendered,
    /// then the attributes, each in canonical order.
    private func startTagWithAttributes(_ name: String, _ attributes: [(String, String)]) {
        var plain: [(prefix: Substring?, local: Substring, name: String, value: String)] = []
        for (attribute, value) in attributes {
            if attribute == "xmlns" {
                scopes[scopes.count - 1].declared.append(Binding(prefix: "", uri: value))
            } else if attribute.hasPrefix("xmlns:") {
                scopes[scopes.count - 1].declared.append(Binding(prefix: String(attribute.dropFirst(6)), uri: value))
            } else {
                let prefix = Self.prefix(of: attribute)
                plain.append((prefix.isEmpty ? nil : prefix,
                              prefix.isEmpty ? Substring(attribute) : attribute[attribute.index(after: prefix.endIndex)...],
                              attribute, value))
            }
        }
        var used = [Self.prefix(of: name)]
        for attribute in plain { if let prefix = attribute.prefix, !used.contains(prefix) { used.append(prefix) } }
        var rendered: [Binding] = []
        for prefix in used {
            guard let uri = binding(of: prefix) else { return giveUp() }
            if renderedByAncestor(prefix) != uri { rendered.append(Binding(prefix: String(prefix), uri: uri)) }
        }
        var sorted: [(uri: String, local: Substring, name: String, value: String)] = []
        for attribute in plain {
            guard let prefix = attribute.prefix else {
                sorted.append(("", attribute.local, attribute.name, attribute.value))
                continue
            }
            guard let uri = binding(of: prefix) else { return giveUp() }
            sorted.append((uri, attribute.local, attribute.name, attribute.value))
        }
        sorted.sort { ($0.uri, $0.local) < ($1.uri, $1.local) }

        append("<")
        append(name)
        // The default namespace sorts first: its namespace node has no local name.
        for binding in rendered.sorted(by: { $0.prefix < $1.prefix }) { render(binding) }
        for attribute in sorted {
            append(" ")
            append(attribute.name)
            append("=\"")
            appendEscapedAttribute(attribute.value)
            append("\"")
        }
        append(">")
    }

    /// Writes the declaration and records it on the innermost open element.
    private func render(_ binding: Binding) {
        append(binding.prefix.isEmpty ? " xmlns=\"" : " xmlns:")
        if !binding.prefix.isEmpty {
            append(binding.prefix)
            append("=\"")
        }
        appendEscapedAttribute(binding.uri)
        append("\"")
        scopes[scopes.count - 1].rendered.append(binding)
    }

    private static func prefix(of name: String) -> Substring {
        guard let colon = name.utf8.firstIndex(of: UInt8(ascii: ":")) else { return name[name.startIndex..<name.startIndex] }
        return name[..<colon]
    }

    private func binding(of prefix: Substring) -> String? {
        for scope in scopes.reversed() {
            if let binding = scope.declared.last(where: { $0.prefix == prefix }) { return binding.uri }
        }
        return prefix.isEmpty ? "" : nil
    }

    /// What the nearest output ancestor rendered for `prefix`; for the default namespace, none
    /// rendered reads as the empty one.
    private func renderedByAncestor(_ prefix: Substring) -> String? {
        for scope in scopes.dropLast().reversed() {
            if let binding = scope.rendered.last(where: { $0.prefix == prefix }) { return binding.uri }
        }
        return prefix.isEmpty ? "" : nil
    }

    private func appendEscapedAttribute(_ value: String) {
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": append("&amp;")
            case "<": append("&lt;")
            case "\"": append("&quot;")
            case "\t": append("&#x9;")
            case "\n": append("&#xA;")
            case "\r": append("&#xD;")
            default: UTF8.encode(scalar) { buffer.append($0) }
            }
        }
    }

    private func append(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= Self.stagingLimit { flush() }
    }
}
