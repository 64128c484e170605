import ArgumentParser

/// `lienthong bench …`: benchmarks, each beside a reference measured in the same run.
/// Build with `-c release` before trusting a figure (`make bench`).
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure lienthong's speed beside a reference measured in the same run.",
        subcommands: [
            BenchEdXMLCommand.self, BenchQueue.self, BenchSignCommand.self, BenchVerifyCommand.self,
            BenchRelayCommand.self, BenchDeliveryCommand.self, BenchInboundCommand.self, BenchExchangeCommand.self,
            BenchBusCommand.self,
        ]
    )
}
