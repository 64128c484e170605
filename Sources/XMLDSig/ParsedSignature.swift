import LibCrypto
import LibXML

/// A Signature element read under the narrow profile: anything the profile does not name is a
/// refusal, never ignored.
struct ParsedSignature {
    let element: XMLElement
    let signedInfo: XMLElement
    let canonicalization: C14NMethod
    let canonicalizationPrefixes: [String]
    let method: SignatureMethod
    let digestMethod: DigestMethod
    let referenceCanonicalization: C14NMethod
    let referencePrefixes: [String]
    let digestValue: [UInt8]
    let signatureValue: [UInt8]
    /// The base64 text of every X509Certificate in KeyInfo, in document order: decoded only when
    /// the chain cache has not seen it (`decodedCertificates`).
    let certificateTexts: [[UInt8]]

    static let exclusiveC14NNamespace = "http://www.w3.org/2001/10/xml-exc-c14n#"

    init(_ signature: XMLElement) throws {
        element = signature
        let parts = try Self.dsigChildren(of: signature)
        if parts.contains(where: { $0.localName == "Object" }) {
            throw SignatureRefusal(.objectForbidden, "the Signature carries an Object element; the profile signs the document itself and allows no Object")
        }
        let names = parts.map(\.localName)
        guard names.count >= 2, names[0] == "SignedInfo", names[1] == "SignatureValue",
              names.count == 2 || (names.count == 3 && names[2] == "KeyInfo") else {
            throw SignatureRefusal(.malformed, "the Signature must hold SignedInfo, SignatureValue and KeyInfo in that order; it holds \(names.joined(separator: ", "))")
        }
        signedInfo = parts[0]

        let info = try Self.dsigChildren(of: signedInfo)
        guard info.count >= 2, info[0].localName == "CanonicalizationMethod", info[1].localName == "SignatureMethod" else {
            throw SignatureRefusal(.malformed, "SignedInfo must start with CanonicalizationMethod and SignatureMethod")
        }
        let references = info.dropFirst(2)
        guard references.allSatisfy({ $0.localName == "Reference" }) else {
            throw SignatureRefusal(.malformed, "SignedInfo holds something other than References after SignatureMethod")
        }
        guard references.count == 1, let reference = references.first else {
            throw SignatureRefusal(.referenceCount, "SignedInfo holds \(references.count) References; the profile allows exactly one")
        }
        (canonicalization, canonicalizationPrefixes) = try Self.canonicalizationMethod(info[0])
        method = try Self.signatureMethod(info[1])

        guard let uri = reference.attribute("URI"), uri.isEmpty else {
            let shown = reference.attribute("URI").map { "\"\($0)\"" } ?? "absent"
            throw SignatureRefusal(.referenceURI, "the Reference URI is \(shown); the profile allows only URI=\"\" (the whole document)")
        }
        let referenceParts = try Self.dsigChildren(of: reference)
        var rest = referenceParts[...]
        var transforms: [XMLElement] = []
        if rest.first?.localName == "Transforms" {
            transforms = try Self.dsigChildren(of: rest.removeFirst())
        }
        guard rest.count == 2, rest[rest.startIndex].localName == "DigestMethod", rest[rest.startIndex + 1].localName == "DigestValue" else {
            throw SignatureRefusal(.malformed, "the Reference must hold Transforms, DigestMethod and DigestValue in that order")
        }
        (referenceCanonicalization, referencePrefixes) = try Self.referenceTransforms(transforms)
        digestMethod = try Self.digestMethod(rest[rest.startIndex])
        guard let digest = Base64.decode(rest[rest.startIndex + 1].text), digest.count == digestMethod.algorithm.length else {
            throw SignatureRefusal(.malformed, "the DigestValue is not a base64 \(digestMethod) value")
        }
        digestValue = digest

        let valueText = parts[1].text
        guard let value = Base64.decode(valueText), !value.isEmpty else {
            throw SignatureRefusal(.valueMalformed, valueText.isXMLWhitespace ? "the SignatureValue is empty" : "the SignatureValue is not valid base64")
        }
        signatureValue = value
        certificateTexts = try names.count == 3 ? Self.keyInfoCertificates(parts[2]) : []
        guard !certificateTexts.isEmpty else {
            throw SignatureRefusal(.certificateMissing, "KeyInfo carries no X509Data/X509Certificate; the profile identifies the signer only by certificate")
        }
    }

    /// The element children of `parent`, all of which must be in the XML-DSig namespace, with
    /// nothing but white space between them.
    static func dsigChildren(of parent: XMLElement) throws -> [XMLElement] {
        var elements: [XMLElement] = []
        for child in parent.childNodes {
            switch child {
            case .element(let element):
                guard element.namespaceURI == DSig.namespace else {
                    throw SignatureRefusal(.malformed, "\(parent.localName) holds \(element.qualifiedName) (line \(element.line)), which is not an XML-DSig element")
                }
                elements.append(element)
            case .text(let text) where !text.isXMLWhitespace:
                throw SignatureRefusal(.malformed, "\(parent.localName) holds text where only elements belong")
            default:
                continue
            }
        }
        return elements
    }

    private static func canonicalizationMethod(_ element: XMLElement) throws -> (C14NMethod, [String]) {
        let uri = element.attribute("Algorithm") ?? ""
        guard let method = C14NMethod(rawValue: uri) else {
            throw SignatureRefusal(.algorithmForbidden, "CanonicalizationMethod \(uri) is not one of the C14N 1.0 or exclusive C14N methods")
        }
        return (method, try inclusivePrefixes(element, method: method))
    }

    private static func inclusivePrefixes(_ element: XMLElement, method: C14NMethod) throws -> [String] {
        var prefixes: [String] = []
        for child in element.children {
            guard child.localName == "InclusiveNamespaces", child.namespaceURI == exclusiveC14NNamespace,
                  method == .exclusive || method == .exclusiveWithComments else {
                throw SignatureRefusal(.transformForbidden, "\(element.localName) holds \(child.qualifiedName); only exclusive C14N's InclusiveNamespaces is allowed")
            }
            prefixes += (child.attribute("PrefixList") ?? "").split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init)
        }
        return prefixes
    }

    private static func signatureMethod(_ element: XMLElement) throws -> SignatureMethod {
        let uri = element.attribute("Algorithm") ?? ""
        guard !element.children.contains(where: { _ in true }) else {
            throw SignatureRefusal(.malformed, "SignatureMethod carries parameters (such as HMACOutputLength); the profile allows none")
        }
        if ForbiddenAlgorithm.md5URIs.contains(uri) {
            throw SignatureRefusal(.algorithmForbidden, "the signature uses MD5 (\(uri)), which is broken and never accepted")
        }
        guard let method = SignatureMethod(rawValue: uri) else {
            throw SignatureRefusal(.algorithmForbidden, "SignatureMethod \(uri) is not allowed; the profile verifies RSA-SHA256/384/512, ECDSA-SHA256/384 and, by policy, RSA-SHA1")
        }
        return method
    }

    private static func digestMethod(_ element: XMLElement) throws -> DigestMethod {
        let uri = element.attribute("Algorithm") ?? ""
        if ForbiddenAlgorithm.md5URIs.contains(uri) {
            throw SignatureRefusal(.algorithmForbidden, "the Reference is digested with MD5 (\(uri)), which is broken and never accepted")
        }
        guard let method = DigestMethod(rawValue: uri) else {
            throw SignatureRefusal(.algorithmForbidden, "DigestMethod \(uri) is not allowed; the profile accepts SHA-256/384/512 and, by policy, SHA-1")
        }
        return method
    }

    /// Exactly one enveloped-signature transform, optionally followed by one C14N transform.
    private static func referenceTransforms(_ transforms: [XMLElement]) throws -> (C14NMethod, [String]) {
        var sawEnveloped = false
        var c14n: (C14NMethod, [String])?
        for transform in transforms {
            guard transform.localName == "Transform" else {
                throw SignatureRefusal(.malformed, "Transforms holds \(transform.localName)")
            }
            let uri = transform.attribute("Algorithm") ?? ""
            if uri == DSig.envelopedSignature, !sawEnveloped, c14n == nil, transform.children.isEmpty {
                sawEnveloped = true
            } else if let method = C14NMethod(rawValue: uri), c14n == nil, sawEnveloped {
                c14n = (method.withoutComments, try inclusivePrefixes(transform, method: method))
            } else {
                let what = switch uri {
                case DSig.xpath, DSig.xpathFilter2: "an XPath transform"
                case DSig.xslt: "an XSLT transform"
                case DSig.envelopedSignature: "a repeated or misplaced enveloped-signature transform"
                default: C14NMethod(rawValue: uri) != nil ? "a repeated or misplaced C14N transform" : "the transform \(uri)"
                }
                throw SignatureRefusal(.transformForbidden, "the Reference uses \(what); the profile allows only enveloped-signature followed by one C14N transform")
            }
        }
        guard sawEnveloped else {
            throw SignatureRefusal(.transformForbidden, "the Reference lacks the enveloped-signature transform")
        }
        // Without an explicit C14N transform, XML-DSig turns the node-set into octets with C14N 1.0.
        return c14n ?? (.inclusive, [])
    }

    private static func keyInfoCertificates(_ keyInfo: XMLElement) throws -> [[UInt8]] {
        var certificates: [[UInt8]] = []
        for data in keyInfo.children where data.localName == "X509Data" && data.namespaceURI == DSig.namespace {
            for certificate in data.children where certificate.localName == "X509Certificate" && certificate.namespaceURI == DSig.namespace {
                certificates.append(certificate.textBytes)
                if certificates.count > 16 {
                    throw SignatureRefusal(.certificateMalformed, "KeyInfo carries more than 16 certificates")
                }
            }
        }
        return certificates
    }

    /// The DER of the KeyInfo certificates.
    func decodedCertificates() throws -> [[UInt8]] {
        try certificateTexts.map { text in
            guard let der = Base64.decode(bytes: text), !der.isEmpty else {
                throw SignatureRefusal(.certificateMalformed, "an X509Certificate in KeyInfo is not base64")
            }
            return der
        }
    }
}
