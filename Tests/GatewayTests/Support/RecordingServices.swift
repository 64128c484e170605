import Foundation
import Gateway
import Logging
import Synchronization

/// Fakes of the unit API seams for the route tests: they record what the routes hand them and
/// answer from a fixed document set, so a test sees exactly what crossed the seam.
final class RecordingOutbound: OutboundService {
    let submissions = Mutex<[(UnitSubmission, AuthenticatedUnit)]>([])
    static let known = OutboundDocument(
        id: "m-1", documentId: "000.00.00.G22,2026/11/25,1/VPCP", state: "delivered", from: "000.00.00.G22",
        to: ["000.00.00.H41"], subject: "Test", createdAt: Date(timeIntervalSince1970: 1_790_000_000),
        updatedAt: Date(timeIntervalSince1970: 1_790_000_060), reason: nil, nextAttemptAt: nil,
        attempts: [DeliveryAttempt(at: Date(timeIntervalSince1970: 1_790_000_030), durationMs: 120, httpStatus: 200, outcome: "delivered", reason: nil)],
        statuses: [StatusEntry(code: "01", from: "000.00.00.H41", at: Date(timeIntervalSince1970: 1_790_000_060), description: nil)])

    func submit(_ submission: UnitSubmission, by unit: AuthenticatedUnit, logger: Logger) async throws -> OutboundReceipt {
        submissions.withLock { $0.append((submission, unit)) }
        return OutboundReceipt(id: "m-\(submissions.withLock { $0.count } + 1)", documentId: "doc-for-\(unit.name)")
    }

    func document(id: String, for unit: AuthenticatedUnit) async throws -> OutboundDocument? {
        id == Self.known.id ? Self.known : nil
    }

    func documents(state: String?, cursor: String?, limit: Int, for unit: AuthenticatedUnit) async throws -> Page<OutboundSummary> {
        let summary = OutboundSummary(id: Self.known.id, documentId: Self.known.documentId, state: Self.known.state, to: Self.known.to,
                                      subject: Self.known.subject, createdAt: Self.known.createdAt, updatedAt: Self.known.updatedAt)
        return Page(items: state == nil || state == Self.known.state ? [summary] : [], next: nil)
    }

    func recall(id: String, reason: String, by unit: AuthenticatedUnit, logger: Logger) async throws -> OutboundDocument? {
        id == Self.known.id ? Self.known : nil
    }
}

final class RecordingInbox: InboxService {
    let acknowledged = Mutex<[String]>([])
    let reports = Mutex<[StatusReport]>([])

    func list(cursor: String?, limit: Int, for unit: AuthenticatedUnit) async throws -> Page<InboxSummary> {
        Page(items: [], next: nil)
    }

    func document(id: String, for unit: AuthenticatedUnit) async throws -> InboxDocument? { nil }

    func envelope(id: String, for unit: AuthenticatedUnit) async throws -> InboxFile? {
        id == "in-1" ? InboxFile(contentType: "application/xml", fileName: nil, bytes: Array("<edXML/>".utf8)) : nil
    }

    func attachment(id: String, index: Int, for unit: AuthenticatedUnit) async throws -> InboxFile? {
        id == "in-1" && index == 1 ? InboxFile(contentType: "application/pdf", fileName: "công văn.pdf", bytes: [0x25, 0x50, 0x44, 0x46]) : nil
    }

    func acknowledge(id: String, by unit: AuthenticatedUnit, logger: Logger) async throws -> Bool {
        acknowledged.withLock { $0.append(id) }
        return id == "in-1"
    }

    func reportStatus(id: String, _ report: StatusReport, by unit: AuthenticatedUnit, logger: Logger) async throws -> StatusReceipt? {
        reports.withLock { $0.append(report) }
        return id == "in-1" ? StatusReceipt(id: "status-1") : nil
    }
}
