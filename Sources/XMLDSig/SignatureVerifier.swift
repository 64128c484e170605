import EdXML
import Foundation
import LibCrypto
import LibXML

/// Verifies enveloped signatures under the narrow profile (docs/signature.md) against a trust
/// store, the configured policies and, optionally, a chain cache. Immutable: share one verifier
/// between tasks; each call parses its own document.
public struct SignatureVerifier: Sendable {
    public let trust: TrustStore
    public let policies: [any SignaturePolicy]
    public let cache: ChainCache?
    public var limits: XMLParseLimits = .default

    public init(trust: TrustStore, policies: [any SignaturePolicy] = [AlgorithmPolicy(), KeyUsagePolicy()],
                cache: ChainCache? = ChainCache()) {
        self.trust = trust
        self.policies = policies
        self.cache = cache
    }

    /// Parses and verifies `bytes`. Never throws: every failure is a refused verdict.
    public func verify(_ bytes: some Collection<UInt8>, at time: Date = Date()) -> Verdict {
        var run = VerificationRun(time: time)
        do {
            let (document, start) = try DocumentParsing.parse(bytes, limits: limits, recording: EdXMLReader.recordedElements)
            let count = bytes.count
            run.passed("parse") { "\(count) bytes, no DOCTYPE" }
            return try Self.withContiguous(bytes.dropFirst(start)) { source in try verify(document, source: source, run: &run) }
        } catch {
            return run.refused(error)
        }
    }

    /// Verifies an already parsed document (its tree is not changed).
    public func verify(document: XMLDocument, at time: Date = Date()) -> Verdict {
        var run = VerificationRun(time: time)
        do {
            return try verify(document, source: nil, run: &run)
        } catch {
            return run.refused(error)
        }
    }

    /// Verifies an already parsed document given the bytes it was parsed from (`source`: exactly
    /// those, the offsets recorded while parsing count from its start), which lets the digest be
    /// taken from the bytes when they are already canonical (`ReceivedBytesDigest`). Parse with
    /// `recording: EdXMLReader.recordedElements` (as `EdXMLReader` does) for that; otherwise this is `verify(document:)`.
    public func verify(document: XMLDocument, parsedFrom source: some Collection<UInt8>, at time: Date = Date()) -> Verdict {
        var run = VerificationRun(time: time)
        do {
            return try Self.withContiguous(source) { source in try verify(document, source: source, run: &run) }
        } catch {
            return run.refused(error)
        }
    }

    private static func withContiguous<T>(_ bytes: some Collection<UInt8>,
                                          _ body: (UnsafeRawBufferPointer?) throws -> T) throws -> T {
        if let result = try bytes.withContiguousStorageIfAvailable({ try body(UnsafeRawBufferPointer($0)) }) { return result }
        return try body(nil)
    }

    private func verify(_ document: XMLDocument, source: UnsafeRawBufferPointer?, run: inout VerificationRun) throws -> Verdict {
        let layout = try EnvelopeLayout.locate(in: document)
        run.claimedSender = layout.senderOrganId
        let element = try layout.theSignature()
        let line = element.line
        run.passed("place") { "one XML-DSig Signature, in edXMLHeader (line \(line))" }
        let signature = try ParsedSignature(element)
        run.algorithms = Verdict.Algorithms(signature: signature.method, digest: signature.digestMethod,
                                            canonicalization: signature.canonicalization)
        let (referenceC14N, method, digestMethod) = (signature.referenceCanonicalization, signature.method, signature.digestMethod)
        run.passed("profile") { "one Reference URI=\"\", enveloped-signature + \(referenceC14N.shortName), \(method.name), digest \(digestMethod)" }

        var candidate = SignatureCandidate(method: signature.method, digest: signature.digestMethod,
                                           canonicalization: signature.canonicalization,
                                           certificate: nil, chain: [], time: run.time)
        try apply(policies.filter { !$0.needsCertificate }, to: candidate, run: &run)

        let trusted = try trustedSigner(signature, run: &run)
        run.signer = trusted.signer
        candidate = SignatureCandidate(method: candidate.method, digest: candidate.digest, canonicalization: candidate.canonicalization,
                                       certificate: trusted.signerCertificate, chain: trusted.verification.chain, time: run.time)
        try apply(policies.filter(\.needsCertificate), to: candidate, run: &run)

        try checkSignatureValue(signature, in: document, key: trusted.publicKey)
        run.passed("signature value") { "\(method.name) over the canonical SignedInfo" }
        if let source, ReceivedBytesDigest.compute(source, document: document, layout: layout, signature: element,
                                                   method: referenceC14N, algorithm: digestMethod.algorithm) == signature.digestValue {
            run.passed("digest") { "\(digestMethod) of the document without its Signature matches, taken from the bytes as received (already canonical)" }
            return run.valid()
        }
        let digest = try DocumentDigest.compute(document, excluding: element, method: signature.referenceCanonicalization,
                                                prefixes: signature.referencePrefixes, algorithm: signature.digestMethod.algorithm)
        guard digest == signature.digestValue else {
            throw SignatureRefusal(.digestMismatch, "the document's \(signature.digestMethod) digest does not match the signed DigestValue: the content changed after signing")
        }
        run.passed("digest") { "\(digestMethod) of the document without its Signature matches" }
        return run.valid()
    }

    private func apply(_ policies: [any SignaturePolicy], to candidate: SignatureCandidate, run: inout VerificationRun) throws {
        for policy in policies {
            switch policy.evaluate(candidate) {
            case .meetsPolicy:
                run.passed(policy.name) { "met" }
            case .meetsPolicyWithWarning(let warning):
                run.warned(policy.name, warning)
            case .failsToMeetPolicy(let refusal):
                throw refusal
            }
        }
    }

    /// The signer's certificate and its trusted chain, from the cache or built now.
    private func trustedSigner(_ signature: ParsedSignature, run: inout VerificationRun) throws -> ChainCache.Entry {
        let key = ChainCache.key(trust: trust, certificates: signature.certificateTexts)
        if let cache, let entry = cache.lookup(key, at: run.time) {
            run.chainFromCache = true
            let description = entry.chainDescription
            run.passed("chain") { "trusted (cached): " + description }
            entry.verification.warnings.forEach { run.warned("revocation", $0) }
            return entry
        }
        let parsed: [Certificate]
        do {
            parsed = try signature.decodedCertificates().map { try Certificate(der: $0) }
        } catch let error as CryptoError {
            throw SignatureRefusal(.certificateMalformed, "a KeyInfo certificate cannot be read: \(error.message)")
        }
        let leaf = Self.signerCertificate(among: parsed)
        run.signer = Signer(leaf)
        let verification = trust.verify(leaf, untrusted: parsed.filter { $0 != leaf }, at: run.time)
        if let failure = verification.failure { throw Self.refusal(for: failure, leaf: leaf) }
        verification.warnings.forEach { run.warned("revocation", $0) }
        let chainDescription = verification.chain.map(\.subject.rfc2253).joined(separator: " ← ")
            + (trust.crls.isEmpty ? " (no CRLs configured)" : " (CRLs checked for the whole chain)")
        run.passed("chain") { "trusted: " + chainDescription }
        let publicKey: PublicKey
        do {
            publicKey = try leaf.publicKey
        } catch let error as CryptoError {
            throw SignatureRefusal(.certificateMalformed, "the signer's public key cannot be used: \(error.message)")
        }
        let entry = ChainCache.Entry(signerCertificate: leaf, signer: run.signer ?? Signer(leaf), publicKey: publicKey,
                                     verification: verification, chainDescription: chainDescription,
                                     computedAt: run.time, expiresAt: run.time)
        cache?.store(key, entry: entry, trust: trust)
        return entry
    }

    /// The certificate no other KeyInfo certificate was issued by: the end of the chain.
    static func signerCertificate(among certificates: [Certificate]) -> Certificate {
        if certificates.count == 1 { return certificates[0] }
        let issuers = Set(certificates.map(\.issuer))
        return certificates.first { !issuers.contains($0.subject) } ?? certificates[0]
    }

    private func checkSignatureValue(_ signature: ParsedSignature, in document: XMLDocument, key: PublicKey) throws {
        guard signature.method.scheme.acceptsKey(key.kind) else {
            throw SignatureRefusal(.keyMismatch, "the signer's \(key.kind) key cannot make a \(signature.method.name) signature")
        }
        let expectedLength: Int? = switch key.kind {
        case .rsa(let bits): (bits + 7) / 8
        case .ecP256: 64
        case .ecP384: 96
        }
        if let expectedLength, signature.signatureValue.count != expectedLength {
            throw SignatureRefusal(.valueMalformed, "the SignatureValue is \(signature.signatureValue.count) bytes; a \(key.kind) signature is \(expectedLength): it is truncated or padded")
        }
        let canonical = try DocumentDigest.canonical(document, subtree: signature.signedInfo, method: signature.canonicalization,
                                                     prefixes: signature.canonicalizationPrefixes)
        let valid: Bool
        do {
            valid = try key.verify(signature.signatureValue, of: canonical, scheme: signature.method.scheme, rawECDSA: true)
        } catch let error as CryptoError {
            throw SignatureRefusal(.valueInvalid, "the SignatureValue cannot be checked: \(error.message)")
        }
        guard valid else {
            throw SignatureRefusal(.valueInvalid, "the SignatureValue does not match SignedInfo under the signer's key: SignedInfo changed or another key signed")
        }
    }

    static func refusal(for failure: ChainFailure, leaf: Certificate) -> SignatureRefusal {
        let reason: SignatureRefusal.Reason = switch failure.reason {
        case .untrustedIssuer: .untrusted
        case .selfSigned: .selfSigned
        case .expired: .expired
        case .notYetValid: .notYetValid
        case .revoked: .revoked
        case .crlUnavailable: .crlUnavailable
        case .crlExpired, .crlNotYetValid: .crlExpired
        case .badSignature, .notACertificateAuthority, .other: .chainInvalid
        }
        let advice = switch reason {
        case .untrusted: "; add its issuing CA to the trust anchors if it is to be trusted"
        case .selfSigned: "; a self-signed certificate is trusted only when it is itself a trust anchor"
        case .crlUnavailable, .crlExpired: "; fetch a current CRL, or set the revocation policy to warn"
        default: ""
        }
        return SignatureRefusal(reason, "the signer's certificate \(leaf.subject) is not trusted: \(failure)\(advice)")
    }
}

/// The verdict being assembled by one verification.
struct VerificationRun {
    let time: Date
    var signer: Signer?
    var algorithms: Verdict.Algorithms?
    var diagnostics: [Verdict.Diagnostic] = []
    var warnings: [String] = []
    var chainFromCache = false
    var claimedSender: String?

    init(time: Date) { self.time = time }

    mutating func passed(_ check: String, _ detail: @escaping @Sendable () -> String) {
        diagnostics.append(.init(check: check, result: .passed, detail: detail))
    }

    mutating func warned(_ check: String, _ detail: String) {
        diagnostics.append(.init(check: check, result: .warned, detail: detail))
        warnings.append(detail)
    }

    func valid() -> Verdict {
        Verdict(outcome: .valid, signer: signer, algorithms: algorithms, time: time, diagnostics: diagnostics,
                warnings: warnings, chainFromCache: chainFromCache, claimedSender: claimedSender)
    }

    func refused(_ error: any Error) -> Verdict {
        let refusal = (error as? SignatureRefusal)
            ?? SignatureRefusal(.internalFailure, "verification failed unexpectedly: \(error)")
        var diagnostics = self.diagnostics
        diagnostics.append(.init(check: refusal.reasonCode, result: .failed, detail: refusal.explanation))
        return Verdict(outcome: .refused(refusal), signer: signer, algorithms: algorithms, time: time,
                       diagnostics: diagnostics, warnings: warnings, chainFromCache: chainFromCache, claimedSender: claimedSender)
    }
}
