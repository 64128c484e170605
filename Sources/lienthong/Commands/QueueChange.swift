import ArgumentParser
import Foundation
import Store

/// What `hold`, `release`, `retry` and `cancel` print: what they did, and what they left and why.
/// A command that left any message unchanged exits 65, after saying so.
struct ChangeReport {
    let verb: String
    let outcome: OperatorOutcome

    var summary: String {
        let changed = outcome.changed.count
        var text = "\(changed) \(changed == 1 ? "message" : "messages") \(verb)"
        if !outcome.skipped.isEmpty {
            let skipped = outcome.skipped.map { "\($0.messageID) (\($0.reason))" }.joined(separator: ", ")
            text += ", \(outcome.skipped.count) \(outcome.skipped.count == 1 ? "was" : "were") not \(verb): \(skipped)"
        }
        return text
    }

    func emit(json: Bool) throws {
        if json { try JSONOutput.print(outcome) } else { print(summary) }
        if !outcome.skipped.isEmpty {
            let code = Set(outcome.skipped.map(\.reasonCode)).count == 1 ? outcome.skipped[0].reasonCode : "queue.not_applied"
            throw CommandFailure.refused(code, "\(outcome.skipped.count) of \(outcome.changed.count + outcome.skipped.count) messages \(outcome.skipped.count == 1 ? "was" : "were") not \(verb)")
        }
    }
}

/// The arguments `hold` and `release` share: which messages, why, and the output form.
struct MessageChangeArguments: ParsableArguments {
    @Argument(help: "Message ids.") var ids: [String]
    @Option(help: "Why, for the operator-action log.") var reason: String?
    @Flag(help: "Print JSON for scripts.") var json = false

    func validate() throws { if ids.isEmpty { throw ValidationError("name at least one message id") } }
}

struct QueueHold: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "hold",
        abstract: "Stop queued or waiting messages from being sent until they are released.")
    @OptionGroup var store: StoreLocationOptions
    @OptionGroup var operatorOptions: OperatorOptions
    @OptionGroup var change: MessageChangeArguments

    func run() async throws {
        let store = try self.store.open()
        let outcome = try await storeCall { try await store.hold(change.ids, actor: operatorOptions.name, reason: change.reason) }
        try ChangeReport(verb: "held", outcome: outcome).emit(json: change.json)
    }
}

struct QueueRelease: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "release",
        abstract: "Put held messages back in the queue, due now.")
    @OptionGroup var store: StoreLocationOptions
    @OptionGroup var operatorOptions: OperatorOptions
    @OptionGroup var change: MessageChangeArguments

    func run() async throws {
        let store = try self.store.open()
        let outcome = try await storeCall { try await store.release(change.ids, actor: operatorOptions.name, reason: change.reason) }
        try ChangeReport(verb: "released", outcome: outcome).emit(json: change.json)
    }
}

struct QueueRetry: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "retry",
        abstract: "Queue dead (or waiting) messages again, due now, with a fresh retry budget.",
        discussion: "Either message ids, or `--state dead` (optionally `--to ORGANID`) for all of them.")
    @OptionGroup var store: StoreLocationOptions
    @OptionGroup var operatorOptions: OperatorOptions
    @Argument(help: "Message ids.") var ids: [String] = []
    @Option(help: "Every message in this state instead of ids (dead or retry_wait).") var state: String?
    @Option(name: .customLong("to"), help: ArgumentHelp("With --state: only messages to this destination.", valueName: "ORGANID"))
    var destination: String?
    @Option(help: "Why, for the operator-action log.") var reason: String?
    @Flag(help: "Print JSON for scripts.") var json = false

    func validate() throws {
        switch (ids.isEmpty, state) {
        case (true, nil): throw ValidationError("name message ids, or --state dead")
        case (false, .some): throw ValidationError("give message ids or --state, not both")
        case (true, .some(let state)):
            guard state == MessageState.dead.rawValue || state == MessageState.retryWait.rawValue else {
                throw ValidationError("--state must be dead or retry_wait")
            }
        case (false, nil):
            if destination != nil { throw ValidationError("--to goes with --state") }
        }
    }

    func run() async throws {
        let store = try self.store.open()
        let selection: MessageSelection = state.flatMap(MessageState.init(rawValue:)).map { .state($0, destination: destination) } ?? .ids(ids)
        let outcome = try await storeCall { try await store.retry(selection, actor: operatorOptions.name, reason: reason) }
        try ChangeReport(verb: "queued again", outcome: outcome).emit(json: json)
    }
}

struct QueueCancel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cancel",
        abstract: "Give up on messages for good (they are never sent).")
    @OptionGroup var store: StoreLocationOptions
    @OptionGroup var operatorOptions: OperatorOptions
    @Argument(help: "Message ids.") var ids: [String]
    @Option(help: "Why (required), for the operator-action log.") var reason: String
    @Flag(help: "Print JSON for scripts.") var json = false

    func validate() throws {
        if ids.isEmpty { throw ValidationError("name at least one message id") }
        if reason.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--reason must say why") }
    }

    func run() async throws {
        let store = try self.store.open()
        let outcome = try await storeCall { try await store.cancel(ids, actor: operatorOptions.name, reason: reason) }
        try ChangeReport(verb: "cancelled", outcome: outcome).emit(json: json)
    }
}
