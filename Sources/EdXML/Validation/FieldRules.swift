/// The checks an XSD cannot say: required fields in any order, organisation ids, dates, the
/// manifest against the attachments, a status's ResponseFor. Each finding carries a reason code
/// and, when the message came from a file, the line of the field.
public struct FieldRules: Sendable {
    /// Whether an organisation id of an unrecognised form is an error (otherwise a warning).
    public var strictOrganIds: Bool

    public init(strictOrganIds: Bool = false) {
        self.strictOrganIds = strictOrganIds
    }

    public func check(_ message: EdXMLMessage, lines: SourceLines = SourceLines()) -> [Finding] {
        var check = Check(rules: self, lines: lines)
        switch message {
        case .document(let d): check.document(d)
        case .status(let s): check.status(s)
        }
        return check.findings
    }

    private struct Check {
        let rules: FieldRules
        let lines: SourceLines
        var findings: [Finding] = []

        init(rules: FieldRules, lines: SourceLines) {
            self.rules = rules
            self.lines = lines
        }

        /// The line of `path`, else of the nearest enclosing path that has one.
        private func line(_ path: String) -> Int? {
            var p = path
            while true {
                if let l = lines[p] { return l }
                guard let cut = p.lastIndex(where: { $0 == "." || $0 == "[" }) else { return lines["MessageHeader"] }
                p = String(p[..<cut])
            }
        }

        private mutating func error(_ code: String, _ message: String, _ path: String) {
            findings.append(.error(code, message, line: line(path)))
        }

        private mutating func warning(_ code: String, _ message: String, _ path: String) {
            findings.append(.warning(code, message, line: line(path)))
        }

        private mutating func require(_ value: String?, _ code: String, _ what: String, _ path: String) {
            if value?.trimmingWhitespace.isEmpty ?? true { error(code, "\(what) is missing or empty", path) }
        }

        private mutating func organId(_ id: OrganId?, _ what: String, _ path: String, required: Bool = true) {
            guard let id else {
                if required { error("organid.missing", "\(what) has no OrganId", path) }
                return
            }
            if let problem = id.problem(strict: rules.strictOrganIds) {
                error(id.text.trimmingWhitespace.isEmpty ? "organid.empty" : "organid.malformed", "\(what): \(problem)", path)
            } else if !id.isRecognised {
                warning("organid.unrecognised_form",
                        "\(what): '\(id.text)' is not of a known form (DDD.DD.DD.XDD or H01.151.01); accepted, as real traffic carries such ids", path)
            }
        }

        private mutating func date(_ date: DateText?, _ what: String, _ path: String, required: Bool) {
            guard let date, !date.text.trimmingWhitespace.isEmpty else {
                if required { error("edxml.date_missing", "\(what) is missing or empty", path) }
                return
            }
            guard let value = date.value else {
                return error("edxml.date_unparseable", "\(what): '\(date.text)' is not of the form yyyy/MM/dd or yyyy/MM/dd HH:mm:ss", path)
            }
            if !value.isPossible { error("edxml.date_impossible", "\(what): '\(date.text)' is not a day of the calendar", path) }
        }

        /// A DocumentId in the business-key form `<organ>,<yyyy/MM/dd>,<number>/<notation>` whose
        /// date is impossible (real samples carry `2014/02/30`): kept, with a warning.
        private mutating func businessKey(_ id: String?, _ path: String) {
            guard let id else { return }
            let parts = id.split(separator: ",", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, let value = LocalDateTime(parsing: String(parts[1])), !value.isPossible else { return }
            warning("edxml.date_impossible", "the DocumentId '\(id)' names the day \(parts[1]), which is not in the calendar", path)
        }

        mutating func document(_ d: EdXMLDocument) {
            let h = d.header
            organId(h.from.organId, "From", "From.OrganId")
            if h.to.isEmpty { error("edxml.missing_recipient", "the document has no To", "MessageHeader") }
            for (i, to) in h.to.enumerated() { organId(to.organId, "To #\(i + 1)", "To[\(i)].OrganId") }
            businessKey(h.documentId, "DocumentId")
            require(h.code?.number, "edxml.missing_code", "Code/CodeNumber", "Code")
            require(h.subject, "edxml.missing_subject", "Subject", "Subject")
            require(h.documentType?.type, "edxml.missing_document_type", "DocumentType/Type", "DocumentType")
            date(h.promulgation?.date, "PromulgationInfo/PromulgationDate", "PromulgationInfo.PromulgationDate", required: true)
            date(h.dueDate, "DueDate", "DueDate", required: false)
            if let priority = h.otherInfo?.priority, !(0...3).contains(h.otherInfo?.priorityLevel ?? -1) {
                warning("edxml.priority_out_of_range", "Priority is '\(priority)'; the standard uses 0 to 3", "OtherInfo.Priority")
            }
            for (i, r) in h.responseFor.enumerated() where !r.isEmpty && !isBlank(r) {
                organId(r.organId, "ResponseFor #\(i + 1)", "ResponseFor[\(i)].OrganId", required: false)
                date(r.promulgationDate, "ResponseFor #\(i + 1) PromulgationDate", "ResponseFor[\(i)].PromulgationDate", required: false)
            }
            traces(d.traceList, requireOne: true)
            attachments(d)
        }

        private func isBlank(_ r: ResponseFor) -> Bool {
            [r.organId?.text, r.code, r.promulgationDate?.text, r.documentId].allSatisfy { $0?.trimmingWhitespace.isEmpty ?? true }
        }

        mutating func status(_ s: StatusMessage) {
            organId(s.from.organId, "From", "From.OrganId")
            if let r = s.responseFor, !isBlank(r) {
                organId(r.organId, "ResponseFor", "ResponseFor[0].OrganId", required: false)
                if (r.documentId?.trimmingWhitespace.isEmpty ?? true) && (r.code?.trimmingWhitespace.isEmpty ?? true) {
                    error("edxml.response_for_incomplete", "ResponseFor names neither a DocumentId nor a Code", "ResponseFor[0]")
                }
                date(r.promulgationDate, "ResponseFor/PromulgationDate", "ResponseFor[0].PromulgationDate", required: false)
                businessKey(r.documentId, "ResponseFor[0].DocumentId")
            } else {
                error("edxml.missing_response_for", "a status must say which document it is about (ResponseFor)", "MessageHeader")
            }
            if let code = s.statusCode {
                if !code.isTwoDigits {
                    error("edxml.status_code_malformed", "StatusCode '\(code.text)' is not two digits", "StatusCode")
                } else if code.meaning == nil {
                    warning("edxml.status_code_unknown", "StatusCode \(code.text) is not one the standard names; it is kept", "StatusCode")
                }
            } else {
                error("edxml.missing_status_code", "the status has no StatusCode", "MessageHeader")
            }
            date(s.timestamp, "Timestamp", "Timestamp", required: true)
            if let list = s.traceList { traces(list, requireOne: false) }
        }

        private mutating func traces(_ list: TraceHeaderList, requireOne: Bool) {
            if requireOne && list.traces.isEmpty {
                warning("edxml.missing_trace", "the TraceHeaderList has no TraceHeader", "MessageHeader")
            }
            for (i, t) in list.traces.enumerated() {
                if let id = t.organId, id.problem(strict: rules.strictOrganIds) == nil, id.isRecognised {
                    // well formed
                } else {
                    warning("edxml.trace_incomplete",
                            "TraceHeader #\(i + 1) has \(t.organId.map { "the OrganId '\($0.text)', which is not of a known form" } ?? "no OrganId")",
                            "TraceHeader[\(i)]")
                }
                date(t.timestamp, "TraceHeader #\(i + 1) Timestamp", "TraceHeader[\(i)].Timestamp", required: true)
            }
            if let b = list.business { business(b) }
        }

        private mutating func business(_ b: Business) {
            businessKey(b.documentId, "Bussiness.DocumentId")
            switch b.kind {
            case nil:
                error("edxml.business_type_missing", "Bussiness has no BussinessDocType", "Bussiness")
            case .other(let text):
                warning("edxml.business_type_unknown", "BussinessDocType '\(text)' is not 0, 1, 2 or 3", "Bussiness.BussinessDocType")
            case .update where b.documentInfo == nil:
                warning("edxml.business_update_incomplete", "an update (BussinessDocType 2) without BussinessDocumentInfo", "Bussiness")
            case .replace where (b.replacements ?? []).isEmpty:
                error("edxml.business_replace_incomplete", "a replacement (BussinessDocType 3) names no ReplacementInfo", "Bussiness")
            default:
                break
            }
            for (i, r) in (b.documentInfo?.receivers ?? []).enumerated() {
                organId(r.organId, "Receiver #\(i + 1)", "Receiver[\(i)].OrganId")
            }
            for (i, r) in (b.replacements ?? []).enumerated() {
                require(r.documentId, "edxml.business_replace_incomplete", "ReplacementInfo #\(i + 1) DocumentId", "ReplacementInfo[\(i)]")
                for (j, id) in (r.organIds ?? []).enumerated() {
                    organId(id, "ReplacementInfo #\(i + 1) OrganId #\(j + 1)", "ReplacementInfo[\(i)].OrganId[\(j)]")
                }
            }
        }

        /// Manifest and attachments must agree, matched by content id with `cid:` ignored.
        private mutating func attachments(_ d: EdXMLDocument) {
            let references = d.manifest?.references ?? []
            if d.manifest == nil && !d.attachments.isEmpty {
                error("edxml.missing_manifest", "the document carries attachments but no edXMLManifest", "Attachment[0]")
            }
            var seen: Set<String> = []
            for (i, a) in d.attachments.enumerated() {
                let path = "Attachment[\(i)]"
                guard let id = a.normalizedContentId, !id.isEmpty else {
                    error("edxml.attachment_without_content_id", "attachment #\(i + 1) has no ContentId", path)
                    continue
                }
                if !seen.insert(id).inserted {
                    error("edxml.duplicate_content_id", "two attachments have the ContentId \(id)", path)
                }
                if a.payload.encoding == .undecodableText {
                    error("edxml.attachment_not_base64", "the content of attachment \(a.attachmentName ?? id) is not base64", path)
                } else if a.payload.decodedSize == 0 {
                    warning("edxml.attachment_empty", "attachment \(a.attachmentName ?? id) is empty", path)
                }
                guard let reference = references.first(where: { $0.normalizedContentId == id }) else {
                    error("edxml.attachment_not_in_manifest", "attachment \(a.attachmentName ?? id) (\(id)) is not listed in the manifest", path)
                    continue
                }
                if let listed = reference.attachmentName, let name = a.attachmentName, listed != name {
                    warning("edxml.attachment_name_mismatch", "the manifest names \(id) '\(listed)', the attachment says '\(name)'", path)
                }
                if let listed = reference.contentType, let type = a.contentType,
                   listed.lowercased() != type.lowercased(), !(a.payload.isZipped && type.lowercased() == "application/zip") {
                    warning("edxml.content_type_mismatch", "the manifest says \(listed) for \(id), the attachment says \(type)", path)
                }
            }
            let attached = Set(d.attachments.compactMap(\.normalizedContentId))
            for (i, r) in references.enumerated() {
                guard let id = r.normalizedContentId, !id.isEmpty else {
                    error("edxml.manifest_entry_without_content_id", "manifest entry #\(i + 1) has no ContentId", "Reference[\(i)]")
                    continue
                }
                if !attached.contains(id) {
                    error("edxml.manifest_entry_without_attachment", "the manifest lists \(r.attachmentName ?? id) (\(id)) but no attachment carries it", "Reference[\(i)]")
                }
            }
        }
    }
}
