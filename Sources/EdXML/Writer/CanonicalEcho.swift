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
    private let sink: (UnsafeRawBufferPointer) -> Void
    private var buffer: [UInt8] = []
    private(set) var isExact = true
    /// One entry per open element: the bindings it declares and those it rendered.
    private var scopes: [(declared: [String: String], rendered: [String: String])] = []
    private static let stagingLimit = 16 << 10

    init(sink: @escaping (UnsafeRawBufferPointer) -> Void) {
        self.sink = sink
        buffer.reserveCapacity(Self.stagingLimit)
    }

    func giveUp() { isExact = false }

    /// Indentation between elements: character data inside the root, dropped outside it.
    func whitespace(_ bytes: some Sequence<UInt8>) {
        guard isExact, !scopes.isEmpty else { return }
        buffer.append(contentsOf: bytes)
    }

    func startTag(_ name: String, _ attributes: [(String, String)], empty: Bool) {
        guard isExact else { return }
        var declared: [String: String] = [:]
        var plain: [(prefix: String?, local: String, value: String)] = []
        for (attribute, value) in attributes {
            if attribute == "xmlns" { declared[""] = value }
            else if attribute.hasPrefix("xmlns:") { declared[String(attribute.dropFirst(6))] = value }
            else if let colon = attribute.firstIndex(of: ":") {
                plain.append((String(attribute[..<colon]), String(attribute[attribute.index(after: colon)...]), value))
            } else {
                plain.append((nil, attribute, value))
            }
        }
        scopes.append((declared, [:]))
        let elementPrefix = name.firstIndex(of: ":").map { String(name[..<$0]) } ?? ""
        var used = [elementPrefix]
        for attribute in plain { if let prefix = attribute.prefix, !used.contains(prefix) { used.append(prefix) } }

        var rendered: [String: String] = [:]
        for prefix in used {
            guard let uri = binding(of: prefix) else { return giveUp() }
            if renderedByAncestor(prefix) != uri { rendered[prefix] = uri }
        }
        var sorted: [(uri: String, local: String, name: String, value: String)] = []
        for attribute in plain {
            guard let prefix = attribute.prefix else {
                sorted.append(("", attribute.local, attribute.local, attribute.value))
                continue
            }
            guard let uri = binding(of: prefix) else { return giveUp() }
            sorted.append((uri, attribute.local, "\(prefix):\(attribute.local)", attribute.value))
        }
        sorted.sort { ($0.uri, $0.local) < ($1.uri, $1.local) }

        append("<")
        append(name)
        // The default namespace sorts first: its namespace node has no local name.
        for prefix in rendered.keys.sorted() {
            append(prefix.isEmpty ? " xmlns=\"" : " xmlns:\(prefix)=\"")
            appendEscapedAttribute(rendered[prefix]!)
            append("\"")
        }
        for attribute in sorted {
            append(" \(attribute.name)=\"")
            appendEscapedAttribute(attribute.value)
            append("\"")
        }
        append(">")
        scopes[scopes.count - 1].rendered = rendered
        if empty { endTag(name) }
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
            default: buffer.append(contentsOf: String(scalar).utf8)
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

    private func binding(of prefix: String) -> String? {
        for scope in scopes.reversed() { if let uri = scope.declared[prefix] { return uri } }
        return prefix.isEmpty ? "" : nil
    }

    /// What the nearest output ancestor rendered for `prefix`; for the default namespace, none
    /// rendered reads as the empty one.
    private func renderedByAncestor(_ prefix: String) -> String? {
        for scope in scopes.dropLast().reversed() { if let uri = scope.rendered[prefix] { return uri } }
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
            default: buffer.append(contentsOf: String(scalar).utf8)
            }
        }
    }

    private func append(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= Self.stagingLimit { flush() }
    }
}
