import EdXML

/// The gateway's OrganIds have a known form, and the unit API has someone to serve.
enum IdentityChecks {
    static let organIds = DoctorCheck("organ_ids") { context in
        context.configuration.organIds.enumerated().map { index, organId in
            let key = "gateway.organ_ids[\(index)]"
            let id = OrganId(organId)
            if let problem = id.problem(strict: false) {
                return .fail(key, problem, fix: "write the OrganId exactly, without spaces")
            }
            switch id.form {
            case .qcvn102: return .ok(key, "\(organId) has the QCVN 102 form")
            case .hierarchical: return .ok(key, "\(organId) has the dotted QĐ 20/2020 form")
            case .unrecognised:
                return .warn(key, "\(organId) matches neither the QCVN 102 form (000.00.00.G22) nor the dotted form (H01.151.01)",
                             fix: "check the id with the bus operator; it is used as written")
            }
        }
    }

    static let units = DoctorCheck("units") { context in
        let units = context.configuration.units
        guard !units.isEmpty || context.configuration.role == .bus else {
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
