import COpenSSL
import Foundation

/// What to do when a certificate's CRL is missing or out of date (its nextUpdate has passed).
public enum MissingCRLPolicy: String, Sendable, CaseIterable {
    /// Refuse the chain: the safe default.
    case refuse
    /// Accept the chain and report a warning: for sites whose CRL distribution lags.
    case warn
}

/// Trust anchors, known intermediates and CRLs in an OpenSSL `X509_STORE`, built once and then
/// only read, so one store verifies from many threads.
public final class TrustStore: @unchecked Sendable {
    private let store: OpaquePointer
    public let anchors: [Certificate]
    public let intermediates: [Certificate]
    public let crls: [CertificateRevocationList]
    public let missingCRL: MissingCRLPolicy
    /// SHA-256 over everything this store trusts and every CRL it holds: changes whenever a CRL
    /// is replaced, so caches keyed by it never outlive a CRL update.
    public let revision: String
    /// The earliest nextUpdate among the CRLs: results computed with them expire then.
    public let earliestCRLNextUpdate: Date?

    public init(anchors: [Certificate], intermediates: [Certificate] = [], crls: [CertificateRevocationList] = [],
                missingCRL: MissingCRLPolicy = .refuse) throws {
        guard !anchors.isEmpty else { throw CryptoError(.malformed, "a trust store needs at least one trust anchor") }
        guard let store = X509_STORE_new() else { throw CryptoError.fromQueue(.failed, "cannot allocate an X509_STORE") }
        self.store = store
        self.anchors = anchors
        self.intermediates = intermediates
        self.crls = crls
        self.missingCRL = missingCRL
        for anchor in anchors where X509_STORE_add_cert(store, anchor.handle) != 1 {
            throw CryptoError.fromQueue(.failed, "cannot add trust anchor \(anchor.subject)")
        }
        for crl in crls where X509_STORE_add_crl(store, crl.handle) != 1 {
            throw CryptoError.fromQueue(.failed, "cannot add the CRL of \(crl.issuer)")
        }
        if !crls.isEmpty {
            // Revocation is checked for every certificate of the chain, not only the signer's.
            X509_STORE_set_flags(store, UInt(X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL))
        }
        let identity = Digest(.sha256)
        for certificate in anchors + intermediates { identity.update(certificate.der) }
        for crl in crls { identity.update(crl.der) }
        identity.update(missingCRL.rawValue)
        revision = Hex.encode(identity.finish())
        earliestCRLNextUpdate = crls.compactMap(\.nextUpdate).min()
    }

    deinit { X509_STORE_free(store) }

    /// Builds and checks the path from `leaf` to an anchor at `time`, using `untrusted` (e.g. the
    /// KeyInfo's extra certificates) and the store's intermediates as candidate issuers.
    public func verify(_ leaf: Certificate, untrusted: [Certificate] = [], at time: Date = Date()) -> ChainVerification {
        guard let context = X509_STORE_CTX_new(), let stack = lt_sk_X509_new_null() else {
            return ChainVerification(chain: [], failure: ChainFailure(reason: .other, depth: 0, openSSLCode: -1,
                                                                      openSSLMessage: "out of memory", subject: nil), warnings: [])
        }
        defer {
            X509_STORE_CTX_free(context)
            lt_sk_X509_free(stack)
        }
        for certificate in untrusted + intermediates { _ = lt_sk_X509_push(stack, certificate.handle) }
        guard X509_STORE_CTX_init(context, store, leaf.handle, stack) == 1 else {
            return ChainVerification(chain: [], failure: ChainFailure(reason: .other, depth: 0, openSSLCode: -1,
                                                                      openSSLMessage: OpenSSLErrorQueue.drain() ?? "cannot start verification",
                                                                      subject: nil), warnings: [])
        }
        X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(context), ASN1Time.seconds(time))
        var state = lt_verify_state(tolerate_crl_problems: missingCRL == .warn ? 1 : 0,
                                    tolerated_crl_missing: 0, tolerated_crl_expired: 0)
        let ok = withUnsafeMutablePointer(to: &state) { pointer -> Bool in
            lt_X509_STORE_CTX_use_state(context, pointer)
            return X509_verify_cert(context) == 1
        }
        OpenSSLErrorQueue.clear()
        var warnings: [String] = []
        if state.tolerated_crl_missing != 0 { warnings.append("no CRL was available for a certificate of the chain (policy: warn)") }
        if state.tolerated_crl_expired != 0 { warnings.append("a CRL used for the chain is out of date (policy: warn)") }
        guard ok else {
            return ChainVerification(chain: [], failure: failure(in: context), warnings: warnings)
        }
        var chain: [Certificate] = []
        if let copied = lt_X509_chain_copy(context) {
            defer { lt_sk_X509_pop_free(copied) }
            for index in 0..<lt_sk_X509_num(copied) {
                if let x509 = lt_sk_X509_value(copied, index), X509_up_ref(x509) == 1, let certificate = try? Certificate(taking: x509) {
                    chain.append(certificate)
                }
            }
        }
        return ChainVerification(chain: chain, failure: nil, warnings: warnings)
    }

    private func failure(in context: OpaquePointer) -> ChainFailure {
        let code = X509_STORE_CTX_get_error(context)
        let depth = Int(X509_STORE_CTX_get_error_depth(context))
        let subject = X509_STORE_CTX_get_current_cert(context).map { DistinguishedName(X509_get_subject_name($0)).rfc2253 }
        let reason: ChainFailure.Reason = switch code {
        case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN: .selfSigned
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
             X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE, X509_V_ERR_CERT_UNTRUSTED: .untrustedIssuer
        case X509_V_ERR_CERT_HAS_EXPIRED: .expired
        case X509_V_ERR_CERT_NOT_YET_VALID: .notYetValid
        case X509_V_ERR_CERT_REVOKED: .revoked
        case X509_V_ERR_UNABLE_TO_GET_CRL, X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER: .crlUnavailable
        case X509_V_ERR_CRL_HAS_EXPIRED: .crlExpired
        case X509_V_ERR_CRL_NOT_YET_VALID: .crlNotYetValid
        case X509_V_ERR_CERT_SIGNATURE_FAILURE, X509_V_ERR_CRL_SIGNATURE_FAILURE,
             X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE, X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY: .badSignature
        case X509_V_ERR_INVALID_CA, X509_V_ERR_PATH_LENGTH_EXCEEDED, X509_V_ERR_KEYUSAGE_NO_CERTSIGN: .notACertificateAuthority
        default: .other
        }
        return ChainFailure(reason: reason, depth: depth, openSSLCode: code,
                            openSSLMessage: String(cString: X509_verify_cert_error_string(Int(code))), subject: subject)
    }
}
