import ArgumentParser
import Foundation
import Store

struct QueueStatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stats",
        abstract: "Counts per state and per destination, the oldest undelivered message, breaker states.")
    @OptionGroup var store: StoreLocationOptions
    @Flag(help: "Print JSON for scripts.") var json = false

    struct Report: Encodable {
        var byState: [String: Int]
        var byDestination: [String: [String: Int]]
        var oldestUndeliveredAt: Date?
        var breakers: [DestinationBreaker]

        init(_ stats: QueueStats) {
            byState = Dictionary(uniqueKeysWithValues: stats.byState.map { ($0.key.rawValue, $0.value) })
            byDestination = stats.byDestination.mapValues { Dictionary(uniqueKeysWithValues: $0.map { ($0.key.rawValue, $0.value) }) }
            oldestUndeliveredAt = stats.oldestUndeliveredAt
            breakers = stats.breakers
        }
    }

    func run() async throws {
        let store = try self.store.open()
        let stats = try await storeCall { try await store.stats() }
        if json { return try JSONOutput.print(Report(stats)) }
        print(Self.render(stats, now: Date()))
    }

    static func render(_ stats: QueueStats, now: Date) -> String {
        let states = MessageState.allCases
        var byState = TextTable("STATE", "MESSAGES")
        for state in states { byState.add(state.rawValue, String(stats.byState[state] ?? 0)) }
        var lines = [byState.render()]
        lines.append("\noldest undelivered: \(stats.oldestUndeliveredAt.map { TimeText.both($0, now: now) } ?? "none")")
        if !stats.byDestination.isEmpty {
            var table = TextTable(["DESTINATION"] + states.map { $0.rawValue.uppercased() })
            for (destination, counts) in stats.byDestination.sorted(by: { $0.key < $1.key }) {
                table.rows.append([destination] + states.map { String(counts[$0] ?? 0) })
            }
            lines.append("\n" + table.render())
        }
        if !stats.breakers.isEmpty {
            var table = TextTable("BREAKER", "STATE", "FAILURES IN A ROW", "OPENED", "PROBE FROM")
            for breaker in stats.breakers {
                table.add(breaker.destination, breaker.state.rawValue, String(breaker.consecutiveFailures),
                          TimeText.both(breaker.openedAt, now: now),
                          breaker.state == .closed ? "-" : TimeText.both(breaker.retryAt, now: now))
            }
            lines.append("\n" + table.render())
        }
        return lines.joined(separator: "\n")
    }
}

extension TextTable {
    init(_ headers: [String]) { self.headers = headers }
}
