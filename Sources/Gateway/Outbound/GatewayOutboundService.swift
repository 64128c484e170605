import EdXML
import Foundation
import LibCrypto
import LibXML
import Logging
import NIOPosix
import Relay
import Store
import XMLDSig

/// The unit API's outbound side: reads a unit's document (JSON, multipart or a ready .edxml),
/// checks and completes it, signs it with the gateway's key and queues one message per
/// recipient; then answers what became of it. A document is named by its submission's id.
public struct GatewayOutboundService: OutboundService {
    let store: any MessageStore & SubmissionStore
    let signer: EnvelopeSigner
    let statusSender: StatusSender
    let signal: DeliverySignal?
    let reader: SubmissionReader

    public init(store: any MessageStore & SubmissionStore, signer: EnvelopeSigner, signal: DeliverySignal?,
                limits: XMLParseLimits, validator: EdXMLValidator?, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.signer = signer
        self.signal = signal
        statusSender = StatusSender(store: store, signer: signer, signal: signal, now: now)
        reader = SubmissionReader(limits: limits, validator: validator, now: now)
    }

    public func submit(_ submission: UnitSubmission, by unit: AuthenticatedUnit, logger: Logger) async throws -> OutboundReceipt {
        let key = submission.idempotencyKey.map { Self.scopedKey($0, unit: unit) }
        // Only a keyed request is ever compared with another: for multipart the fingerprint
        // parses the body and hashes every part, about 1 % of a gateway's CPU per document.
        let fingerprint = try key.map { _ in try reader.fingerprint(submission) }
        if let key, let fingerprint, let seen = try await store.idempotencyRecord(forKey: key) {
            return try await replay(seen, fingerprint: fingerprint, key: submission.idempotencyKey ?? "", unit: unit)
        }
        // Reading, writing and signing a document with large attachments is seconds of CPU:
        // it runs on NIO's blocking pool, not on a thread of Swift's cooperative pool.
        let (header, envelope) = try await NIOThreadPool.singleton.runIfActive { [reader, signer] in
            let draft = try reader.read(submission, for: unit)
            return (draft.document.header, try signer.signedEnvelope(.document(draft.document), writer: EdXMLWriter(payloads: draft.payloads)))
        }
        let documentId = header.documentId ?? ""
        let reference = DocumentReference(responseFor: ResponseFor(
            organId: header.from.organId, code: header.code?.combined, promulgationDate: header.promulgation?.date,
            documentId: documentId))
        let submission = OutboundSubmission(
            documentID: documentId, from: header.from.organId?.text ?? "", to: header.to.compactMap { $0.organId?.text },
            subject: header.subject ?? "", kind: "edoc", envelope: Data(envelope), idempotencyKey: key,
            requestFingerprint: fingerprint,
            submitter: Submitter(unit: unit.name, reference: reference.encoded()))
        let receipt = if let signal { try await signal.enqueue(submission, in: store) } else { try await store.enqueue(submission) }
        if receipt.replayed {
            // Another request with the same key committed first; it answered the same request.
            return try await self.receipt(ofSubmission: receipt.submissionID, unit: unit)
        }
        logger.debug("outbound document queued", metadata: [
            "message_id": "\(receipt.submissionID)", "document_id": "\(documentId)",
            "recipients": "\(receipt.messages.count)", "unit": "\(unit.name)"])
        return OutboundReceipt(id: receipt.submissionID, documentId: documentId)
    }

    public func document(id: String, for unit: AuthenticatedUnit) async throws -> OutboundDocument? {
        guard let submitted = try await store.submission(id: id, unit: unit.name) else { return nil }
        return try await view(submitted)
    }

    public func documents(state: String?, cursor: String?, limit: Int, for unit: AuthenticatedUnit) async throws -> Page<OutboundSummary> {
        var filter: MessageState?
        if let state {
            guard let parsed = MessageState(rawValue: state) else {
                throw Problem.invalidRequest("state must be one of \(MessageState.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            filter = parsed
        }
        if let cursor, !Self.isCursor(cursor) { throw Problem.invalidRequest("cursor is not one this API gave out") }
        // One more than asked says whether there is a next page without a count.
        let found = try await store.submissions(unit: unit.name, state: filter, before: cursor, limit: limit + 1)
        let page = Array(found.prefix(limit))
        return Page(items: page.map(OutboundViews.summary), next: found.count > limit ? page.last?.id : nil)
    }

    func view(_ submitted: SubmittedDocument) async throws -> OutboundDocument {
        let attempts = try await store.attempts(ofMessages: submitted.deliveries.map(\.id))
        let timeline = try await store.timeline(ofDocument: submitted.documentID, sentBy: submitted.from)
        var statusStates: [String: MessageState] = [:]
        for id in submitted.recall.compactMap(\.statusMessageID) {
            statusStates[id] = try? await store.detail(ofMessage: id).message.state
        }
        return OutboundViews.document(submitted, attempts: attempts, timeline: timeline, statusStates: statusStates)
    }

    private func replay(_ seen: IdempotencyRecord, fingerprint: String, key: String, unit: AuthenticatedUnit) async throws -> OutboundReceipt {
        guard seen.fingerprint == fingerprint else {
            throw StoreError("queue.idempotency_conflict",
                             "the Idempotency-Key \(key) was already used by this unit for a different document")
        }
        return try await receipt(ofSubmission: seen.submissionID, unit: unit)
    }

    private func receipt(ofSubmission id: String, unit: AuthenticatedUnit) async throws -> OutboundReceipt {
        guard let submitted = try await store.submission(id: id, unit: unit.name) else {
            throw StoreError("queue.idempotency_conflict", "the Idempotency-Key was already used for another submission")
        }
        return OutboundReceipt(id: submitted.id, documentId: submitted.documentID)
    }

    /// Keys are the unit's own: two units may use the same key without meeting. The unit's name is
    /// length-prefixed so no pair of name and key can spell another pair's scoped key.
    static func scopedKey(_ key: String, unit: AuthenticatedUnit) -> String {
        "unit:\(unit.name.utf8.count):\(unit.name):\(key)"
    }

    /// Cursors are submission ids: 26 characters of Crockford base 32.
    static func isCursor(_ text: String) -> Bool {
        text.utf8.count == 26 && text.allSatisfy { "0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains($0) }
    }
}
