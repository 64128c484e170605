import ArgumentParser
import Foundation
import Store

struct QueueShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one message: its envelope's summary, every attempt and why, the status timeline, operator actions."
    )

    @OptionGroup var store: StoreLocationOptions
    @Argument(help: "The message id (from `queue ls`).")
    var id: String
    @Flag(help: "Print JSON for scripts.")
    var json = false

    func run() async throws {
        let store = try self.store.open()
        let detail = try await storeCall { try await store.detail(ofMessage: id) }
        if json { return try JSONOutput.print(detail) }
        print(Self.render(detail, now: Date()))
    }

    static func render(_ detail: MessageDetail, now: Date) -> String {
        let message = detail.message
        var lines = ["Message \(message.id)"]
        var summary = TextTable("", "")
        summary.rows = [
            ["state", "\(message.state.rawValue) since \(TimeText.both(message.stateChangedAt, now: now))"],
            ["document", message.documentID],
            ["from → to", "\(message.from) → \(message.destination)"],
            ["subject", message.subject],
            ["kind", message.kind],
            ["envelope", "sha256 \(message.blobSHA256), \(message.blobSize) bytes"],
            ["queued", TimeText.both(message.createdAt, now: now)],
            ["attempts", String(message.attempts)],
        ]
        if let due = message.dueAt {
            summary.rows.append([message.state == .sending ? "lease until" : "next try", TimeText.both(due, now: now)])
        }
        if let owner = message.leaseOwner { summary.rows.append(["worker", owner]) }
        if !message.lastReasonText.isEmpty { summary.rows.append(["last reason", message.lastReasonText]) }
        lines.append(contentsOf: summary.render(indent: "  ").split(separator: "\n").dropFirst().map(String.init))

        lines.append("\nAttempts")
        if detail.attempts.isEmpty { lines.append("  none yet") } else {
            var table = TextTable("#", "STARTED", "TOOK", "HTTP", "OUTCOME", "REASON")
            for attempt in detail.attempts {
                let reason = [attempt.reasonCode, attempt.reason ?? attempt.transportError].compactMap { $0 }.joined(separator: ": ")
                table.add(String(attempt.number), TimeText.both(attempt.startedAt, now: now),
                          attempt.duration.map { "\(Int(($0.inSeconds * 1000).rounded())) ms" } ?? "-",
                          attempt.httpStatus.map(String.init) ?? "-", attempt.outcome.rawValue, reason)
            }
            lines.append(table.render(indent: "  "))
        }

        lines.append("\nStatus timeline of document \(message.documentID)")
        if detail.timeline.isEmpty { lines.append("  no status has come back yet") } else {
            var table = TextTable("CODE", "AT", "FROM", "DESCRIPTION")
            for event in detail.timeline {
                table.add(event.code, TimeText.both(event.at, now: now), event.organID, event.description)
            }
            lines.append(table.render(indent: "  "))
        }

        lines.append("\nState changes")
        var changes = TextTable("AT", "FROM", "TO", "BY", "REASON")
        for change in detail.changes {
            changes.add(TimeText.both(change.at, now: now), change.from?.rawValue ?? "-", change.to.rawValue, change.actor,
                        [change.reasonCode, change.detail].compactMap { $0 }.joined(separator: ": "))
        }
        lines.append(changes.render(indent: "  "))

        lines.append("\nOperator actions")
        if detail.operatorActions.isEmpty { lines.append("  none") } else {
            var table = TextTable("AT", "WHO", "ACTION", "RESULT", "WHY")
            for action in detail.operatorActions {
                table.add(TimeText.both(action.at, now: now), action.actor, action.action, action.result, action.reason ?? "")
            }
            lines.append(table.render(indent: "  "))
        }
        return lines.joined(separator: "\n")
    }
}
