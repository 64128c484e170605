import ArgumentParser
import Foundation
import Store

struct QueuePurge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "purge",
        abstract: "Remove delivered messages (and their history and unreferenced blobs) delivered before a date.")
    @OptionGroup var store: StoreLocationOptions
    @OptionGroup var operatorOptions: OperatorOptions
    @Option(name: .customLong("delivered-before"), help: ArgumentHelp("2026-11-01 (midnight UTC) or 2026-11-01T12:00:00Z.", valueName: "DATE"))
    var deliveredBefore: String
    @Flag(help: "Print JSON for scripts.") var json = false

    func validate() throws {
        guard TimeText.parseDate(deliveredBefore) != nil else {
            throw ValidationError("cannot read the date '\(deliveredBefore)'; write 2026-11-01 or 2026-11-01T12:00:00Z")
        }
    }

    func run() async throws {
        let store = try self.store.open()
        let cutoff = TimeText.parseDate(deliveredBefore)!
        let outcome = try await storeCall { try await store.purge(deliveredBefore: cutoff, actor: operatorOptions.name) }
        if json { return try JSONOutput.print(outcome) }
        print("\(outcome.messagesRemoved) delivered \(outcome.messagesRemoved == 1 ? "message" : "messages") removed (delivered before \(TimeText.absoluteFormat.string(from: cutoff))), \(outcome.blobsRemoved) unreferenced \(outcome.blobsRemoved == 1 ? "blob" : "blobs") removed")
    }
}
