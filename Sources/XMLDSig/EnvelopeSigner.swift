import LibCrypto
import LibXML

/// Makes the profile's enveloped signature: in `edXMLHeader` right after `TraceHeaderList`,
/// `Reference URI=""`, transforms enveloped-signature + exclusive C14N, SignedInfo canonicalised
/// with exclusive C14N, the signer's certificate and chain in `KeyInfo/X509Data`.
public struct EnvelopeSigner: Sendable {
    public let identity: SigningIdentity
    public let method: SignatureMethod
    public var limits: XMLParseLimits = .default

    public init(identity: SigningIdentity, method: SignatureMethod = .signingDefault) throws {
        guard SignatureMethod.signable.contains(method) else {
            throw SignatureRefusal(.algorithmForbidden, "\(method) is verified for legacy traffic but never used to sign")
        }
        guard method.scheme.acceptsKey(identity.key.kind) else {
            throw SignatureRefusal(.keyUnusable, "\(method) cannot be made with a \(identity.key.kind) key")
        }
        self.identity = identity
        self.method = method
    }

    /// Signs with any verifiable method, RSA-SHA1 included: only for tests that prove the
    /// verifier's legacy policy, never reachable from the command line.
    init(identity: SigningIdentity, legacyMethod method: SignatureMethod) {
        self.identity = identity
        self.method = method
    }

    /// Signs the envelope in `bytes` and returns the signed document. An envelope that already
    /// carries a Signature is refused unless `replacingExisting` (a hop that re-signs).
    public func sign(_ bytes: some Collection<UInt8>, replacingExisting: Bool = false) throws -> [UInt8] {
        let document = try DocumentParsing.parse(bytes, limits: limits)
        try sign(document, replacingExisting: replacingExisting)
        return document.serialized()
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
        let signature: XMLElement
        if let trace = layout.header.child(named: "TraceHeaderList") {
            signature = layout.header.insertChild(localName: "Signature", namespaceURI: DSig.namespace, after: trace)
        } else {
            signature = layout.header.addChild(localName: "Signature", namespaceURI: DSig.namespace)
        }
        let ns = DSig.namespace
        let signedInfo = signature.addChild(localName: "SignedInfo", namespaceURI: ns)
        signedInfo.addChild(localName: "CanonicalizationMethod", namespaceURI: ns).setAttribute("Algorithm", C14NMethod.exclusive.rawValue)
        signedInfo.addChild(localName: "SignatureMethod", namespaceURI: ns).setAttribute("Algorithm", method.rawValue)
        let reference = signedInfo.addChild(localName: "Reference", namespaceURI: ns)
        reference.setAttribute("URI", "")
        let transforms = reference.addChild(localName: "Transforms", namespaceURI: ns)
        transforms.addChild(localName: "Transform", namespaceURI: ns).setAttribute("Algorithm", DSig.envelopedSignature)
        transforms.addChild(localName: "Transform", namespaceURI: ns).setAttribute("Algorithm", C14NMethod.exclusive.rawValue)
        let digestMethod = method.referenceDigest
        reference.addChild(localName: "DigestMethod", namespaceURI: ns).setAttribute("Algorithm", digestMethod.rawValue)
        let digestValue = reference.addChild(localName: "DigestValue", namespaceURI: ns)

        let digest = try DocumentDigest.compute(document, excluding: signature, method: .exclusive, prefixes: [],
                                                algorithm: digestMethod.algorithm)
        digestValue.setText(Base64.encode(digest))

        let canonicalSignedInfo = try DocumentDigest.canonical(document, subtree: signedInfo, method: .exclusive, prefixes: [])
        let value: [UInt8]
        do {
            value = try identity.key.sign(canonicalSignedInfo, scheme: method.scheme, rawECDSA: true)
        } catch let error as CryptoError {
            throw SignatureRefusal(.keyUnusable, error.description)
        }
        signature.addChild(localName: "SignatureValue", namespaceURI: ns, text: Base64.encode(value, lineLength: 76))
        let x509Data = signature.addChild(localName: "KeyInfo", namespaceURI: ns).addChild(localName: "X509Data", namespaceURI: ns)
        for certificate in [identity.certificate] + identity.chain {
            x509Data.addChild(localName: "X509Certificate", namespaceURI: ns, text: Base64.encode(certificate.der, lineLength: 76))
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
