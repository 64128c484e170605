import ArgumentParser
import Foundation
import LibCrypto
import XMLDSig

/// `lienthong verify`: exit 0 with a one-line verdict only for a valid, trusted, unrevoked signature.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify an edXML envelope's signature, certificate chain and revocation.",
        discussion: "Exit 0 and a one-line verdict for a valid signature; exit 65 and 'error: <reason-code>: …' otherwise (no signature is a refusal too)."
    )

    @Option(help: ArgumentHelp("Trust anchors, PEM bundle.", valueName: "ANCHORS.pem"))
    var trust: String

    @Option(help: ArgumentHelp("A CRL (PEM or DER); repeat for several. With CRLs, revocation is checked for the whole chain.", valueName: "CRL.pem"))
    var crl: [String] = []

    @Option(help: ArgumentHelp("When a certificate's CRL is missing or out of date: refuse or warn.", valueName: "POLICY"))
    var crlPolicy: MissingCRLPolicy = .refuse

    @Option(help: ArgumentHelp("Known intermediate CA certificates, PEM bundle.", valueName: "CHAIN.pem"))
    var intermediates: String?

    @Flag(help: "Accept RSA-SHA1 signatures and SHA-1 digests (the legacy national traffic).")
    var allowSHA1 = false

    @Option(help: ArgumentHelp("Require the envelope's From/OrganId to be this id and the signer to be bound to it.", valueName: "ORGANID"))
    var expectOrg: String?

    @Flag(help: "Require the signer to be bound to the envelope's From/OrganId (implied by --expect-org).")
    var bindSender = false

    @Flag(help: "Print every check of the verification to standard error.")
    var explain = false

    @Flag(help: "Print the verdict as one JSON object (valid or refused alike): the reason, the signer, the algorithms and every check.")
    var json = false

    @Argument(help: ArgumentHelp("The envelope to verify.", valueName: "FILE"))
    var file: String

    func run() async throws {
        let store: TrustStore
        do {
            store = try TrustStore(anchors: try Certificate.all(pem: try InputFiles.read(trust, what: "trust anchors")),
                                   intermediates: try intermediates.map { try Certificate.all(pem: try InputFiles.read($0, what: "intermediates")) } ?? [],
                                   crls: try crl.flatMap { try CertificateRevocationList.all(pemOrDER: try InputFiles.read($0, what: "CRL")) },
                                   missingCRL: crlPolicy)
        } catch let error as CryptoError {
            throw CommandFailure(reasonCode: "trust.unreadable", message: "the trust configuration cannot be read: \(error.message)", exitCode: .inputRefused)
        }
        let verifier = SignatureVerifier(trust: store, policies: [AlgorithmPolicy(allowSHA1: allowSHA1), KeyUsagePolicy()], cache: nil)
        var verdict = verifier.verify(try InputFiles.readDocument(file))
        if bindSender || expectOrg != nil {
            verdict = verdict.bindingSender(with: SenderBinding(), expected: expectOrg)
        }
        if explain {
            FileHandle.standardError.write(Data(verdict.diagnostics.map { "  \($0)\n" }.joined().utf8))
        }
        if json { try JSONOutput.print(VerdictJSON(verdict)) }
        if let refusal = verdict.refusal { throw CommandFailure.refused(refusal) }
        if !json { print(verdict.summary) }
    }
}

/// What `verify --json` prints: the verdict whole, for scripts and audits.
struct VerdictJSON: Encodable {
    struct SignerJSON: Encodable {
        let subject: String
        let serial: String
        let issuer: String
        let organId: String?
        let fingerprintSHA256: String
    }

    /// Each algorithm by its XML-DSig URI, as the envelope names it.
    struct AlgorithmsJSON: Encodable {
        let signature: String
        let digest: String
        let canonicalization: String
    }

    struct Check: Encodable {
        let check: String
        let result: String
        let detail: String
    }

    let valid: Bool
    let reasonCode: String?
    let reason: String?
    let signer: SignerJSON?
    let algorithms: AlgorithmsJSON?
    let claimedSender: String?
    let checkedAt: Date
    let warnings: [String]
    let checks: [Check]

    init(_ verdict: Verdict) {
        valid = verdict.isValid
        reasonCode = verdict.refusal?.reasonCode
        reason = verdict.refusal?.explanation
        signer = verdict.signer.map {
            SignerJSON(subject: $0.subject, serial: $0.serialHex, issuer: $0.issuer, organId: $0.organId,
                       fingerprintSHA256: $0.fingerprintHex)
        }
        algorithms = verdict.algorithms.map {
            AlgorithmsJSON(signature: $0.signature.rawValue, digest: $0.digest.rawValue, canonicalization: $0.canonicalization.rawValue)
        }
        claimedSender = verdict.claimedSender
        checkedAt = verdict.time
        warnings = verdict.warnings
        checks = verdict.diagnostics.map { Check(check: $0.check, result: $0.result.rawValue, detail: $0.detail) }
    }
}

extension MissingCRLPolicy: ExpressibleByArgument {}
