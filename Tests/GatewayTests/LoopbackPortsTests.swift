@testable import Gateway
import Testing
import TestSupport

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

    /// Ports a test hands to a daemon it starts must not be taken before the daemon binds them:
    /// not by the kernel (ephemeral range) nor by a demo or bench block, nor by another test.
    @Test func portsForTestServersStayClearOfTheKernelAndOfDemoBlocks() {
        let ephemeral = LoopbackPorts.ephemeralRange()
        let blocks = LoopbackPorts.blockBases(count: 20, avoiding: ephemeral)
        let ports = (0..<50).map { _ in freeLoopbackPort() }
        #expect(Set(ports).count == ports.count, "\(ports)")
        #expect(ports.allSatisfy { !ephemeral.contains($0) && !(blocks.lowerBound...(blocks.upperBound + 19)).contains($0) }, "\(ports)")
        #expect(ports.allSatisfy(LoopbackPorts.isFree))
    }

    struct Taken: Error {}
    struct Other: Error {}

    @Test func aStartThatFindsAPortTakenIsMadeAgainOnAnotherBlockAtMostThreeTimes() async throws {
        var bases: [Int] = []
        let base = try await LoopbackPorts.onFreeBlock(count: 16, retryingWhen: { $0 is Taken }) { base in
            bases.append(base)
            if bases.count < 3 { throw Taken() }
            return base
        }
        #expect(bases.count == 3)
        #expect(base == bases.last)

        var tries = 0
        await #expect(throws: Taken.self) {
            try await LoopbackPorts.onFreeBlock(count: 16, retryingWhen: { $0 is Taken }) { _ in tries += 1; throw Taken() }
        }
        #expect(tries == 3)

        tries = 0
        await #expect(throws: Other.self) {
            try await LoopbackPorts.onFreeBlock(count: 16, retryingWhen: { $0 is Taken }) { _ in tries += 1; throw Other() }
        }
        #expect(tries == 1, "any other failure is not retried")
    }
}
