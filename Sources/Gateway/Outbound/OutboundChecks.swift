import EdXML

/// The checks every outbound document passes whatever form it came in.
enum OutboundChecks {
    /// The first finding that is an error refuses the document, with its reason code and line.
    static func refuseErrors(_ findings: [Finding]) throws {
        let errors = findings.filter { $0.severity == .error }
        guard let first = errors.first else { return }
        let more = errors.count > 1 ? " (and \(errors.count - 1) more error\(errors.count == 2 ? "" : "s"))" : ""
        throw Refusal(first.reasonCode, (first.line.map { "line \($0): " } ?? "") + first.message + more)
    }

    /// `From/OrganId` must be one the unit may send as (`units.organ_ids`): 403 otherwise.
    static func sender(_ from: Organization, mayBeUsedBy unit: AuthenticatedUnit) throws {
        let organId = from.organId?.text ?? ""
        guard unit.organIds.contains(organId) else {
            throw Problem(.forbidden, "unit.organ_not_allowed",
                          "the unit \(unit.name) may not send as \"\(organId)\"; it may send as \(unit.organIds.joined(separator: ", "))")
        }
    }

    /// Every recipient a well-formed OrganId (any known or unknown form, as EDXML.md asks), each once:
    /// one message goes to each.
    static func recipients(_ to: [Organization]) throws {
        guard !to.isEmpty else { throw Refusal("edxml.missing_recipient", "the document names no recipient (To)") }
        var seen: Set<String> = []
        for (index, recipient) in to.enumerated() {
            let organId = recipient.organId ?? OrganId("")
            if let problem = organId.problem(strict: false) {
                throw Refusal("organid.malformed", "recipient \(index + 1): \(problem)")
            }
            guard seen.insert(organId.text).inserted else {
                throw Refusal("outbound.duplicate_recipient", "the recipient \(organId.text) is named twice")
            }
        }
    }
}
