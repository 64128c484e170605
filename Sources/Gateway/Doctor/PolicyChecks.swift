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

    /// A bus without `[signing]` sends its status 02 (a recipient it cannot reach) unsigned, and a
    /// gateway whose policy is `require` refuses an unsigned status: the sender then never hears
    /// that part of its document went nowhere (docs/bus.md, step 6).
    static let busSigning = DoctorCheck("bus.signing") { context in
        guard context.configuration.role == .bus else { return [] }
        if context.configuration.signing != nil {
            return [.ok("signing", "the status 02 the bus sends for a recipient it cannot reach is signed")]
        }
        return [.warn("signing", "the status 02 the bus sends for a recipient it cannot reach goes unsigned; a gateway whose signature policy is require refuses it, so its sender never learns of the refusal",
                      fix: "add a [signing] key and certificate for the bus's OrganId, trusted by the gateways")]
    }
}
