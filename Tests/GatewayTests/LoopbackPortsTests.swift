@testable import Gateway
import Testing

/// Port blocks for `--port-base` must stay clear of the kernel's ephemeral range, where any
/// outgoing connection can take a port between a network's stop and its restart.
@Suite struct LoopbackPortsTests {
    @Test(arguments: [(32_768...60_999), (1_024...65_535), (49_152...65_535), (10_000...20_000)])
    func blocksNeverOverlapTheEphemeralRange(ephemeral: ClosedRange<Int>) {
        let bases = LoopbackPorts.blockBases(count: 20, avoiding: ephemeral)
        let lowestBlock = bases.lowerBound...(bases.lowerBound + 19)
        let highestBlock = bases.upperBound...(bases.upperBound + 19)
        #expect(highestBlock.upperBound <= 65_535)
        if ephemeral != 1_024...65_535 {
            #expect(!lowestBlock.overlaps(ephemeral), "\(bases) against \(ephemeral)")
            #expect(!highestBlock.overlaps(ephemeral), "\(bases) against \(ephemeral)")
        }
    }

    @Test func aBlockFromThisMachineIsFreeAndOutsideItsEphemeralRange() throws {
        let base = try #require(LoopbackPorts.freeBlock(count: 16))
        #expect(!(base...(base + 15)).overlaps(LoopbackPorts.ephemeralRange()))
        #expect((base..<base + 16).allSatisfy(LoopbackPorts.isFree))
    }
}
