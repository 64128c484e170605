import EdXML
import Foundation
import LibCrypto
import LibXML
import Logging
import Relay
import Store
import XMLDSig

/// `sendEdoc` on the bus: checks a document or status from an authenticated agency, adds the
/// bus's hop and fans it out, one queued message per recipient (destination = its OrganId),
/// durable before the call answers.
///
/// Checks, in order (the first failure is the call's `ErrorCode`): `hash-file` matches the file;
/// `messagetype` is edoc or status and matches the content; the `from` header and the envelope's
/// `From/OrganId` are both the authenticated agency; the signature per the bus's policy, its
/// signer bound to that OrganId; every recipient is addressed by the envelope and registered and
/// active. Recipients of a document are the `to` header (each must be one of the envelope's
/// `To`), or all of `To` without the header; a status goes to its `ResponseFor/OrganId` from one
/// of that document's recipients, or from the document's sender to the recipients it names.
/// When no recipient can be delivered to, the call fails naming them; when only some can, the
/// call succeeds for those and the sender gets a status 02 from the bus for each of the others.
struct BusIntake: Sendable {
    let store: SQLiteStore
    let trace: BusTrace
    let verifier: SignatureVerifier?
    let policy: GatewayConfiguration.SignaturePolicy.Mode
    let senderBinding: SenderBinding
    let limits: XMLParseLimits
    let statusSender: StatusSender
    let signal: DeliverySignal

    struct Call {
        var sender: Agency
        var fromHeader: String
        var toHeader: [String]?
        var messageType: VDXPMessageType
        /// The call's `hash-file`; nil for a status that came in a push's answer, which has none.
        var hashHeader: String?
        var file: [UInt8]
    }

    struct Accepted {
        var docId: String
        var recipients: [String]
        var refused: [(organId: String, refusal: BusRefusal)]
        var duplicate: Bool
    }

    func accept(_ call: Call, logger: Logger) async throws -> Accepted {
        let fileSHA256 = SHA256Hasher.hexDigest(call.file)
        if let hashHeader = call.hashHeader, fileSHA256 != hashHeader.lowercased() {
            throw BusRefusal("bus.hash_mismatch", "hash-file is not the SHA-256 of the file_doc part")
        }
        guard call.fromHeader == call.sender.organId else {
            throw BusRefusal("bus.sender_mismatch", "the caller is authenticated as \(call.sender.organId), not as \(call.fromHeader)")
        }
        // Attachments are checked (base64, manifest), never used: no digest of each.
        var reader = EdXMLReader(limits: limits, payloads: MeasuringPayloadStore(digests: false))
        // The signature is verified on the parsed tree, and the hop spliced into the received bytes.
        reader.keepsSignatureElement = false
        let parsed = try reader.parse(Data(call.file))
        let message = try reader.read(parsed).message
        guard message.from.organId?.text == call.sender.organId else {
            throw BusRefusal("bus.sender_mismatch", "the envelope's From/OrganId is \(message.from.organId?.text ?? "missing"), not the caller \(call.sender.organId)")
        }
        let addressed = try recipients(of: message, messageType: call.messageType, toHeader: call.toHeader)
        let key = "bus:\(call.sender.organId):\(fileSHA256):\(addressed.sorted().joined(separator: ","))"
        // A repeated call (a retry after a lost reply) is recognised by the enqueue's own
        // idempotency check (a replay, or a conflict: its envelope gets a hop of another time),
        // or, when it would now be refused, by a lookup before the refusal: a lookup before
        // every call was 2.5 % of the bus's CPU for the rare repeat.
        do {
            return try await route(call, message: message, parsed: parsed, addressed: addressed, key: key,
                                   fallbackDocumentID: call.hashHeader ?? fileSHA256, logger: logger)
        } catch {
            if let earlier = try? await earlierAnswer(to: key) { return earlier }
            throw error
        }
    }

    private func route(_ call: Call, message: EdXMLMessage, parsed: ParsedInput, addressed: [String], key: String,
                       fallbackDocumentID: String, logger: Logger) async throws -> Accepted {
        var deliverable: [String] = []
        var refused: [(organId: String, refusal: BusRefusal)] = []
        for organId in addressed {
            guard let agency = try await store.agency(organId: organId) else {
                refused.append((organId, BusRefusal("bus.recipient_unknown", "no agency \(organId) is registered on this bus")))
                continue
            }
            guard agency.state == .active else {
                refused.append((organId, BusRefusal("bus.recipient_suspended", "the agency \(organId) is suspended on this bus")))
                continue
            }
            deliverable.append(organId)
        }
        guard !deliverable.isEmpty else {
            let first = refused[0].refusal
            throw BusRefusal(first.reasonCode, refused.map(\.refusal.explanation).joined(separator: "; "))
        }
        let envelope = try checkedWithHop(call.file, parsed: parsed, signed: message.signature != nil,
                                          expectedSender: call.sender.organId, logger: logger)
        let receipt = try await signal.enqueue(OutboundSubmission(
            documentID: Self.documentID(of: message, fallback: fallbackDocumentID), from: call.sender.organId,
            to: deliverable, subject: Self.subject(of: message), kind: call.messageType.rawValue,
            envelope: Data(envelope), idempotencyKey: key), in: store)
        if receipt.replayed {
            return Accepted(docId: receipt.submissionID, recipients: receipt.messages.map(\.destination), refused: [], duplicate: true)
        }
        if !refused.isEmpty, call.messageType == .edoc, let document = message.document {
            try await reportUndeliverable(refused, of: document, to: call.sender.organId, docId: receipt.submissionID)
        }
        return Accepted(docId: receipt.submissionID, recipients: deliverable, refused: refused, duplicate: false)
    }

    /// What the bus answered the first time this call (by its idempotency key) was routed.
    private func earlierAnswer(to key: String) async throws -> Accepted? {
        guard let seen = try await store.submission(idempotencyKey: key) else { return nil }
        return Accepted(docId: seen.submissionID, recipients: seen.messages.map(\.destination), refused: [], duplicate: true)
    }

    private func recipients(of message: EdXMLMessage, messageType: VDXPMessageType, toHeader: [String]?) throws -> [String] {
        switch (messageType, message) {
        case (.edoc, .document(let document)):
            let addressed = document.header.to.compactMap { $0.organId?.text }
            let chosen = toHeader ?? addressed
            if let stray = chosen.first(where: { !addressed.contains($0) }) {
                throw BusRefusal("bus.recipient_not_addressed", "\(stray) is in the to header but not among the envelope's To")
            }
            guard !chosen.isEmpty else { throw BusRefusal("bus.recipient_missing", "the document names no recipient") }
            return Self.unique(chosen)
        case (.status, .status(let status)):
            return try recipients(of: status, reporter: message.from.organId?.text ?? "", toHeader: toHeader)
        default:
            throw BusRefusal("bus.messagetype_mismatch", "messagetype is \(messageType.rawValue) but the file is a \(message.status == nil ? "document" : "status")")
        }
    }

    /// A status goes to the sender of the document it is about (`ResponseFor/OrganId`), and
    /// only from one of that document's recipients (EDXML.md: 01–06, 15, 16 are theirs); the
    /// document's own sender speaking of it (a recall, 13) names in the `to` header which of its
    /// recipients the status is for. Recipients are read from the bus's record of what it routed;
    /// a document it has no record of (routed before the record was kept) cannot be checked.
    private func recipients(of status: StatusMessage, reporter: String, toHeader: [String]?) throws -> [String] {
        guard let about = status.responseFor?.organId?.text, !about.isEmpty else {
            throw BusRefusal("bus.recipient_missing", "the status has no ResponseFor/OrganId to route to")
        }
        // Keyed as the gateways key it (trimmed, or derived from the code and date), so padding
        // or leaving out the DocumentId does not step around the check.
        guard let documentID = status.responseFor.flatMap(InboundMessageKey.documentID(of:)) else {
            throw BusRefusal("edxml.response_for_incomplete", "the status does not say which document it is about")
        }
        let sentTo = try store.recipients(ofDocument: documentID, sentBy: about)
        if reporter == about {
            guard let toHeader, !toHeader.isEmpty else {
                throw BusRefusal("bus.recipient_missing", "a status about the sender's own document goes to the recipients the to header names")
            }
            if !sentTo.isEmpty, let stray = toHeader.first(where: { !sentTo.contains($0) }) {
                throw BusRefusal("bus.recipient_not_addressed", "\(stray) was not sent document \(documentID)")
            }
            return Self.unique(toHeader)
        }
        if let toHeader, toHeader != [about] {
            throw BusRefusal("bus.recipient_not_addressed", "a status goes to its ResponseFor/OrganId \(about), not to \(toHeader.joined(separator: ","))")
        }
        guard sentTo.isEmpty || sentTo.contains(reporter) else {
            throw BusRefusal("bus.status_not_from_recipient",
                             "\(reporter) reports on document \(documentID) of \(about), which was sent only to \(sentTo.sorted().joined(separator: ", "))")
        }
        return [about]
    }

    /// The envelope with the bus's hop, its signature checked per policy on the bytes that will
    /// be delivered (parsed once for both).
    private func checkedWithHop(_ file: [UInt8], parsed: ParsedInput, signed: Bool, expectedSender: String,
                                logger: Logger) throws -> [UInt8] {
        let withHop = trace.append(to: file, parsed: parsed, signed: signed, at: Date())
        guard let verifier, policy != .off else { return withHop.bytes }
        // The original tree (the hop is a comment, or the envelope unsigned) has the file's bytes.
        let verdict = (withHop.document === parsed.document
            ? verifier.verify(document: withHop.document, parsedFrom: parsed.parsedPart(of: file))
            : verifier.verify(document: withHop.document)).bindingSender(with: senderBinding, expected: expectedSender)
        if verdict.isValid { return withHop.bytes }
        if withHop.placement != .none, withHop.document !== parsed.document,
           verifier.verify(document: parsed.document).bindingSender(with: senderBinding, expected: expectedSender).isValid {
            logger.warning("the bus hop would have broken the signature; delivered without it")
            return file
        }
        if policy == .require {
            throw BusRefusal(verdict.reasonCode ?? "signature.invalid", "the sender's signature is refused: \(verdict.refusal?.explanation ?? verdict.summary)")
        }
        logger.notice("signature refused, accepted under policy record", metadata: ["reason": "\(verdict.reasonCode ?? "")"])
        return withHop.bytes
    }

    private func reportUndeliverable(_ refused: [(organId: String, refusal: BusRefusal)], of document: EdXMLDocument,
                                     to sender: String, docId: String) async throws {
        let about = ResponseFor(organId: OrganId(sender), code: document.header.code?.combined,
                                promulgationDate: document.header.promulgation?.date, documentId: document.header.documentId)
        for (organId, refusal) in refused {
            _ = try await statusSender.send(StatusSender.Status(
                code: "02", description: "\(refusal.reasonCode): not delivered to \(organId): \(refusal.explanation)",
                from: OrganId(trace.organId), to: OrganId(sender), about: about),
                idempotencyKey: "bus-02:\(docId):\(organId)")
        }
    }

    private static func unique(_ ids: [String]) -> [String] {
        var seen = Set<String>()
        return ids.filter { seen.insert($0).inserted }
    }

    /// The business key the gateways use (`InboundMessageKey`), so a status about the document
    /// finds the record of whom it was routed to.
    static func documentID(of message: EdXMLMessage, fallback: String) -> String {
        switch message {
        case .document(let document): InboundMessageKey.businessKey(of: document.header) ?? fallback
        case .status(let status): status.responseFor.flatMap(InboundMessageKey.documentID(of:)) ?? fallback
        }
    }

    static func subject(of message: EdXMLMessage) -> String {
        switch message {
        case .document(let document): document.header.subject ?? ""
        case .status(let status): "status \(status.statusCode?.text ?? "?")"
        }
    }
}
