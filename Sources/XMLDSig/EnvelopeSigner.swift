import EdXML
import LibCrypto
import LibXML

/// Makes the profile's enveloped signature: in `edXMLHeader` right after `TraceHeaderList`,
/// `Reference URI=""`, transforms enveloped-signature + exclusive C14N, SignedInfo canonicalised
/// with exclusive C14N, the signer's certificate and chain in `KeyInfo/X509Data`.
public struct EnvelopeSigner: Sendable {
    public let identity: SigningIdentity
    public let method: SignatureMethod
    public var limits: XMLParseLimits = .default
    /// The KeyInfo certificates' base64, encoded once.
    private let certificateTexts: [String]

    public init(identity: SigningIdentity, method: SignatureMethod = .signingDefault) throws {
        guard SignatureMethod.signable.contains(method) else {
            throw SignatureRefusal(.algorithmForbidden, "\(method) is verified for legacy traffic but never used to sign")
        }
        guard method.scheme.acceptsKey(identity.key.kind) else {
            throw SignatureRefusal(.keyUnusable, "\(method) cannot be made with a \(identity.key.kind) key")
        }
        self.identity = identity
        self.method = method
        certificateTexts = ([identity.certificate] + identity.chain).map { Base64.encode($0.der, lineLength: 76) }
    }

    /// Signs with any verifiable method, RSA-SHA1 included: only for tests that prove the
    /// verifier's legacy policy, never reachable from the command line.
    init(identity: SigningIdentity, legacyMethod method: SignatureMethod) {
        self.identity = identity
        self.method = method
        certificateTexts = ([identity.certificate] + identity.chain).map { Base64.encode($0.der, lineLength: 76) }
    }

    /// Signs the envelope in `bytes` and returns the signed document. An envelope that already
    /// carries a Signature is refused unless `replacingExisting` (a hop that re-signs).
    public func sign(_ bytes: some Collection<UInt8>, replacingExisting: Bool = false) throws -> [UInt8] {
        let (document, _) = try DocumentParsing.parse(bytes, limits: limits)
        try sign(document, replacingExisting: replacingExisting)
        return document.serialized()
    }

    /// Writes `message` with `writer` and signs it. The digest is taken from the canonical form
    /// the writer streams out as it writes, so the envelope is never parsed back (for a 4 KB
    /// document that was a third of the signing cost beyond RSA); a message carrying parts kept as
    /// text from an earlier read, whose canonical form only a parser can give, is signed the
    /// long way, through `sign(_:)`. Both ways give a signature over the same canonical bytes.
    public func signedEnvelope(_ message: EdXMLMessage, writer: EdXMLWriter = EdXMLWriter()) throws -> [UInt8] {
        let digest = Digest(method.referenceDigest.algorithm)
        let written = try writer.written(message, canonical: { digest.update(raw: $0) })
        guard written.canonicalFormIsExact, let place = written.signaturePlace else {
            return try sign(written.bytes)
        }
        let signedInfo = SignedInfoTemplate(method: method, digestValue: Base64.encode(digest.finish()))
        var signature = "<Signature xmlns=\"\(DSig.namespace)\">" + signedInfo.inSignature
            + "<SignatureValue>\(Base64.encode(try signatureValue(of: signedInfo), lineLength: 76))</SignatureValue>"
            + "<KeyInfo><X509Data>"
        for text in certificateTexts { signature += "<X509Certificate>\(text)</X509Certificate>" }
        signature += "</X509Data></KeyInfo></Signature>"
        var signed = [UInt8]()
        signed.reserveCapacity(written.bytes.count + signature.utf8.count)
        signed.append(contentsOf: written.bytes.prefix(place))
        signed.append(contentsOf: signature.utf8)
        signed.append(contentsOf: written.bytes.dropFirst(place))
        return signed
    }

    /// Signs `document` in place.
    public func sign(_ document: XMLDocument, replacingExisting: Bool = false) throws {
        let layout = try EnvelopeLayout.locate(in: document)
        let existing = layout.signatureElements
        if !existing.isEmpty {
            guard replacingExisting else {
                throw SignatureRefusal(.alreadySigned, "the envelope already carries a Signature (line \(existing[0].line))")
            }
            existing.forEach { $0.remove() }
        }
        // The digest first, over the document as it is: the Signature added below is exactly what
        // the enveloped-signature transform removes again, and no white space comes with it.
        let digestMethod = method.referenceDigest
        let digest = try DocumentDigest.compute(document, excluding: nil, method: .exclusive, prefixes: [],
                                                algorithm: digestMethod.algorithm)
        let digestText = Base64.encode(digest)
        let signedInfoBytes = SignedInfoTemplate(method: method, digestValue: digestText)
        let value = try signatureValue(of: signedInfoBytes)

        let signature: XMLElement
        if let trace = layout.header.child(named: "TraceHeaderList") {
            signature = layout.header.insertChild(localName: "Signature", namespaceURI: DSig.namespace, after: trace)
        } else {
            signature = layout.header.addChild(localName: "Signature", namespaceURI: DSig.namespace)
        }
        signedInfoBytes.build(in: signature)
        let ns = DSig.namespace
        signature.addChild(localName: "SignatureValue", namespaceURI: ns, text: Base64.encode(value, lineLength: 76))
        let x509Data = signature.addChild(localName: "KeyInfo", namespaceURI: ns).addChild(localName: "X509Data", namespaceURI: ns)
        for text in certificateTexts {
            x509Data.addChild(localName: "X509Certificate", namespaceURI: ns, text: text)
        }
    }
}

extension EnvelopeSigner {
    /// The SignatureValue: the key's signature over the canonical SignedInfo.
    fileprivate func signatureValue(of signedInfo: SignedInfoTemplate) throws -> [UInt8] {
        do {
            return try identity.key.sign(signedInfo.canonical, scheme: method.scheme, rawECDSA: true)
        } catch let error as CryptoError {
            throw SignatureRefusal(.keyUnusable, error.description)
        }
    }
}

extension SignatureScheme {
    func acceptsKey(_ kind: KeyKind) -> Bool {
        switch (self, kind) {
        case (.rsaPKCS1, .rsa), (.ecdsa, .ecP256), (.ecdsa, .ecP384): true
        default: false
        }
    }
}
