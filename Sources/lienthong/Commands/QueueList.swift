import ArgumentParser
import Foundation
import Store

struct QueueList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ls",
        abstract: "List messages, oldest first.",
        discussion: "Examples: `lienthong queue ls --state dead`, `lienthong queue ls --to 000.00.00.H01 --older-than 2h`."
    )

    @OptionGroup var store: StoreLocationOptions
    @Option(help: "Only messages in this state (queued, sending, retry_wait, delivered, dead, held, cancelled).")
    var state: String?
    @Option(name: .customLong("to"), help: ArgumentHelp("Only messages to this destination.", valueName: "ORGANID"))
    var destination: String?
    @Option(name: .customLong("older-than"), help: ArgumentHelp("Only messages queued longer ago than this (90s, 15m, 2h, 1h30m, 7d).", valueName: "AGE"))
    var olderThan: String?
    @Option(help: "At most this many messages.")
    var limit = 50
    @Flag(help: "Print JSON for scripts.")
    var json = false

    func validate() throws {
        if let state, MessageState(rawValue: state) == nil {
            throw ValidationError("unknown state '\(state)'; one of: \(MessageState.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let olderThan, TimeText.parseDuration(olderThan) == nil {
            throw ValidationError("cannot read the age '\(olderThan)'; write it like 90s, 15m, 2h, 1h30m or 7d")
        }
        guard limit > 0 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        let store = try self.store.open()
        let now = Date()
        let filter = MessageFilter(state: state.flatMap(MessageState.init(rawValue:)), destination: destination,
                                   createdBefore: olderThan.flatMap(TimeText.parseDuration).map { now.addingTimeInterval(-$0) },
                                   limit: limit)
        let messages = try await storeCall { try await store.list(filter) }
        if json { return try JSONOutput.print(messages) }
        guard !messages.isEmpty else { return print("no messages match") }
        var table = TextTable("ID", "STATE", "TO", "TRIES", "QUEUED", "NEXT / LEASE UNTIL", "LAST REASON")
        for message in messages {
            table.add(message.id, message.state.rawValue, message.destination, String(message.attempts),
                      TimeText.both(message.createdAt, now: now),
                      message.dueAt.map { TimeText.both($0, now: now) } ?? "-",
                      message.lastReasonText.truncated(to: 60))
        }
        print(table.render())
        if messages.count == limit { print("(first \(limit); use --limit to see more)") }
    }
}
