/// Settings that are legal but weaken what the gateway promises.
enum PolicyChecks {
    static let signature = DoctorCheck("signature") { context in
        let policy = context.configuration.signature
        var findings: [DoctorFinding] = []
        switch policy.mode {
        case .require:
            findings.append(.ok("signature.policy", "inbound documents need a valid, trusted signature"))
        case .record:
            findings.append(.warn("signature.policy", "unsigned or invalid inbound documents are accepted (the verdict is only recorded)",
                                  fix: "set policy = \"require\" once your senders sign"))
        case .off:
            findings.append(.warn("signature.policy", "inbound signatures are not checked at all",
                                  fix: "set policy = \"require\" (or \"record\" during a migration)"))
        }
        if policy.allowSHA1 {
            findings.append(.warn("signature.allow_sha1", "RSA-SHA1 signatures are accepted (legacy national traffic)",
                                  fix: "set allow_sha1 = false when your senders have moved to SHA-256"))
        }
        return findings
    }
}
