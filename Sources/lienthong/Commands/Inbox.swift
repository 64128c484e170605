import ArgumentParser
import Foundation
import Store

/// `lienthong inbox …`: what the bus delivered (kept documents and statuses) and what the
/// inbound pipeline refused, with the daemon running or not.
struct InboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inbox",
        abstract: "List and inspect inbound documents, statuses and refusals.",
        subcommands: [InboxList.self, InboxShow.self, InboxRefused.self]
    )
}

struct InboxList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ls",
        abstract: "List inbound messages, newest first: documents units have not acknowledged (with --all, everything).",
        discussion: "Example: `lienthong inbox ls --config /etc/lienthong/gateway.toml --all`."
    )

    @OptionGroup var store: StoreLocationOptions
    @Flag(help: "Also acknowledged documents and received statuses.")
    var all = false
    @Option(help: "At most this many messages.")
    var limit = 50
    @Flag(help: "Print JSON for scripts.")
    var json = false

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        let store = try self.store.open()
        let now = Date()
        var messages = try await storeCall { try await store.inboundMessages(after: nil, limit: limit, includeAcknowledged: all) }
        if !all { messages = messages.filter { $0.kind == "edoc" } }
        if json { return try JSONOutput.print(messages) }
        guard !messages.isEmpty else { return print(all ? "nothing has been received" : "no unacknowledged document") }
        var table = TextTable("ID", "KIND", "FROM", "TO", "RECEIVED", "VERDICT", "STATE", "SUBJECT")
        for message in messages {
            table.add(message.id, message.kind, message.from, message.to, TimeText.both(message.receivedAt, now: now),
                      message.verdict, InboxShow.state(of: message), message.subject.truncated(to: 50))
        }
        print(table.render())
        if messages.count == limit { print("(first \(limit); use --limit to see more)") }
    }
}

struct InboxShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one inbound message or refusal by its id; --edxml writes its envelope as received."
    )

    @OptionGroup var store: StoreLocationOptions
    @Argument(help: "An id from `inbox ls` or `inbox refused`.")
    var id: String
    @Flag(help: "Write the envelope exactly as received to standard output.")
    var edxml = false
    @Flag(help: "Print JSON for scripts.")
    var json = false

    func run() async throws {
        let store = try self.store.open()
        let now = Date()
        if let message = try await storeCall({ try await store.inboundMessage(id) }) {
            if edxml { return FileHandle.standardOutput.write(try await storeCall { try await store.inboundEnvelope(id) }) }
            if json { return try JSONOutput.print(message) }
            var rows = TextTable("", "")
            rows.rows = [
                ["kind", message.kind], ["document", message.documentID], ["from → to", "\(message.from) → \(message.to)"],
                ["subject", message.subject], ["verdict", message.verdict], ["state", Self.state(of: message)],
                ["received", TimeText.both(message.receivedAt, now: now)], ["envelope", "sha256 \(message.blobSHA256)"],
            ]
            if let reason = message.recallReason { rows.rows.append(["recall reason", reason]) }
            print("Inbound \(message.id)\n" + rows.render(indent: "  ").split(separator: "\n").dropFirst().joined(separator: "\n"))
            let timeline = try await storeCall { try await store.timeline(ofDocument: message.documentID, sentBy: message.timelineSender) }
            print("\nStatus timeline of document \(message.documentID)")
            if timeline.isEmpty { return print("  none") }
            var table = TextTable("CODE", "AT", "FROM", "DESCRIPTION")
            for event in timeline { table.add(event.code, TimeText.both(event.at, now: now), event.organID, event.description) }
            return print(table.render(indent: "  "))
        }
        guard let refusal = try await storeCall({ try await store.refusal(id) }) else {
            throw CommandFailure.refused(StoreError("inbox.not_found", "no inbound message or refusal has the id \(id)"))
        }
        if edxml { return FileHandle.standardOutput.write(try await storeCall { try await store.refusalEnvelope(id) }) }
        if json { return try JSONOutput.print(refusal) }
        var rows = TextTable("", "")
        rows.rows = [
            ["refused", "\(refusal.reasonCode): \(refusal.reason)"], ["from", refusal.sender ?? "unknown"],
            ["to", refusal.recipients.joined(separator: ", ")], ["document", refusal.documentID ?? "-"], ["source", refusal.source],
            ["seen", "\(refusal.times) time(s), first \(TimeText.both(refusal.firstSeenAt, now: now)), last \(TimeText.both(refusal.lastSeenAt, now: now))"],
            ["status 02", refusal.statusMessageID.map { "queued as \($0) (lienthong queue show \($0))" } ?? "none (no sender to tell)"],
            ["envelope", "sha256 \(refusal.blobSHA256), \(refusal.size) bytes"],
        ]
        print("Refusal \(refusal.id)\n" + rows.render(indent: "  ").split(separator: "\n").dropFirst().joined(separator: "\n"))
    }

    static func state(of message: InboundMessage) -> String {
        if message.recalledAt != nil { return message.acknowledgedAt == nil ? "recalled" : "recalled, acknowledged" }
        if message.kind != "edoc" { return "recorded" }
        return message.acknowledgedAt == nil ? "waiting" : "acknowledged"
    }
}

struct InboxRefused: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refused",
        abstract: "List what the inbound pipeline refused, most recently seen first, with the reason code."
    )

    @OptionGroup var store: StoreLocationOptions
    @Option(help: "At most this many refusals.")
    var limit = 50
    @Flag(help: "Print JSON for scripts.")
    var json = false

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        let store = try self.store.open()
        let now = Date()
        let refusals = try await storeCall { try await store.refusals(limit: limit) }
        if json { return try JSONOutput.print(refusals) }
        guard !refusals.isEmpty else { return print("nothing was refused") }
        var table = TextTable("ID", "LAST SEEN", "TIMES", "REASON", "FROM", "SOURCE", "02 SENT")
        for refusal in refusals {
            table.add(refusal.id, TimeText.both(refusal.lastSeenAt, now: now), String(refusal.times), refusal.reasonCode,
                      refusal.sender ?? "-", refusal.source, refusal.statusMessageID == nil ? "no" : "yes")
        }
        print(table.render())
        if refusals.count == limit { print("(first \(limit); use --limit to see more)") }
    }
}
