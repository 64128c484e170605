import ArgumentParser

/// `lienthong bench <what>`: measurements written down in docs/perf/.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure how fast parts of lienthong run on this machine.",
        subcommands: [BenchQueue.self]
    )
}
