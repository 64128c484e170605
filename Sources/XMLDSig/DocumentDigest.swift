import LibCrypto
import LibXML

/// Canonical bytes and digests, with libxml2's canonicaliser streaming straight into OpenSSL.
enum DocumentDigest {
    /// The digest of the whole document minus `excluding` (the enveloped-signature transform),
    /// canonicalised with `method`; never holds the canonical document in memory.
    static func compute(_ document: XMLDocument, excluding: XMLElement?, method: C14NMethod, prefixes: [String],
                        algorithm: DigestAlgorithm) throws -> [UInt8] {
        let digest = Digest(algorithm)
        do {
            try document.canonicalize(excluding: excluding, method: method, inclusivePrefixes: prefixes) { digest.update(raw: $0) }
        } catch {
            throw SignatureRefusal(.internalFailure, "the document could not be canonicalised: \(error)")
        }
        return digest.finish()
    }

    static func canonical(_ document: XMLDocument, subtree: XMLElement, method: C14NMethod, prefixes: [String]) throws -> [UInt8] {
        do {
            return try document.canonicalized(subtree: subtree, method: method, inclusivePrefixes: prefixes)
        } catch {
            throw SignatureRefusal(.internalFailure, "SignedInfo could not be canonicalised: \(error)")
        }
    }
}

/// Parsing with XML errors turned into reason-coded refusals.
enum DocumentParsing {
    /// Parses what follows any junk before the XML declaration, as the envelope reader does,
    /// recording where the elements named in `recording` lie (see `XMLDocument`); returns the tree
    /// and where in `bytes` the parsed part starts.
    static func parse(_ bytes: some Collection<UInt8>, limits: XMLParseLimits,
                      recording: [String] = []) throws -> (XMLDocument, start: Int) {
        do {
            let start = XMLStart.locate(in: bytes).offset
            return (try XMLDocument(parsing: bytes.dropFirst(start), limits: limits, recording: recording), start)
        } catch {
            throw refusal(for: error)
        }
    }

    static func refusal(for error: XMLError) -> SignatureRefusal {
        switch error.kind {
        case .doctypeForbidden: SignatureRefusal(.xmlDoctypeForbidden, "the document has a DOCTYPE, which inbound XML may not carry")
        case .tooLarge: SignatureRefusal(.xmlTooLarge, error.description)
        case .tooDeep, .textTooLong, .tooManyAttributes: SignatureRefusal(.xmlLimitExceeded, error.description)
        case .empty, .invalidEncoding, .malformed, .internalFailure: SignatureRefusal(.xmlMalformed, "the document is not well-formed XML: \(error.description)")
        }
    }
}
