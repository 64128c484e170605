/// The gateway's OrganIds have a known form, and the unit API has someone to serve.
enum IdentityChecks {
    static let organIds = DoctorCheck("organ_ids") { context in
        context.configuration.organIds.enumerated().map { index, organId in
            let key = "gateway.organ_ids[\(index)]"
            if OrganIdForm.isKnown(organId) { return .ok(key, "\(organId) has a known OrganId form") }
            return .warn(key, "\(organId) matches neither the QCVN 102 form (000.00.00.G22) nor the dotted form (H01.151.01)",
                         fix: "check the id with the bus operator; it is used as written")
        }
    }

    static let units = DoctorCheck("units") { context in
        let units = context.configuration.units
        guard !units.isEmpty else {
            return [.warn("units", "no unit is configured, so every unit API call will be refused",
                          fix: "add a [[units]] block with the token's SHA-256 (printf %s \"$TOKEN\" | sha256sum)")]
        }
        return units.enumerated().map { index, unit in
            let key = "units[\(index)]"
            if let webhook = unit.webhookURL, webhook.scheme?.lowercased() == "http",
               !["127.0.0.1", "localhost", "::1"].contains(webhook.host ?? "") {
                return .warn("\(key).webhook_url", "\(webhook.absoluteString) is plain HTTP; documents would cross the network unencrypted",
                             fix: "use an https:// webhook URL")
            }
            return .ok(key, "unit \(unit.name) may send as \(unit.organIds.joined(separator: ", "))")
        }
    }
}

/// The OrganId forms of EDXML.md: QCVN 102 (`DDD.DD.DD.XDD`) and the newer dotted form (up to
/// 35 characters, top level first). Other ids occur in real traffic and are accepted with a warning.
enum OrganIdForm {
    static func isKnown(_ id: String) -> Bool { isQCVN102(id) || isDotted(id) }

    static func isQCVN102(_ id: String) -> Bool {
        let parts = id.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0].count == 3, parts[1].count == 2, parts[2].count == 2, parts[3].count == 3 else { return false }
        let digits = parts[0] + parts[1] + parts[2] + parts[3].dropFirst()
        guard let letter = parts[3].first, letter.isASCII, letter.isLetter, letter.isUppercase else { return false }
        return digits.allSatisfy { $0.isASCII && $0.isNumber }
    }

    static func isDotted(_ id: String) -> Bool {
        let parts = id.split(separator: ".", omittingEmptySubsequences: false)
        guard id.count <= 35, parts.count >= 2, let first = parts.first, let letter = first.first,
              ("A"..."K").contains(letter), first.count == 3, first.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
        return parts.dropFirst().allSatisfy { !$0.isEmpty && $0.count <= 3 && $0.allSatisfy { $0.isASCII && $0.isNumber } }
    }
}
