import Testing

@testable import Model

/// `BARSizes.problem`: the sizes a BAR of each kind can have, and the BARs a function has.
@Suite struct BARSizeChecksTests {
    /// A type 0 function: BAR0 64-bit memory (0x10-0x17), BAR2 I/O, BAR3 32-bit memory, BAR4
    /// 32-bit memory (0), BAR5 of the 64-bit type (the last BAR cannot pair).
    static func endpoint() -> SpaceBuilder {
        var builder = SpaceBuilder(size: 4096)
        builder.set32(0x10, 0xFE00_000C)
        builder.set32(0x14, 0x0000_0001)
        builder.set32(0x18, 0x0000_E001)
        builder.set32(0x1C, 0xFD00_0000)
        builder.set32(0x24, 0x0000_0004)
        return builder
    }

    /// An SR-IOV PF (PCI Express at 0x40, SR-IOV at 0x100) whose VF BAR0 is 64-bit, VF BAR2 32-bit.
    static func physicalFunction() -> SpaceBuilder {
        var builder = endpoint()
        builder.bytes[0x06] = 0x10
        builder.bytes[0x34] = 0x40
        builder.express(0x40, next: 0)
        builder.extended(0x100, id: 0x0010, next: 0)
        builder.set32(0x100 + 0x24, 0x0000_000C)
        builder.set32(0x100 + 0x2C, 0x0000_0000)
        return builder
    }

    @Test(arguments: [
        (BARSlot.bar(0), UInt64(3), BARSizeProblem.notAPowerOfTwo(.bar(0), size: 3)),
        (.bar(0), 2, .sizeOutOfRange(.bar(0), size: 2, kind: .unknown)),
        (.expansionROM, 0x400, .sizeOutOfRange(.expansionROM, size: 0x400, kind: .expansionROM)),
        (.expansionROM, 1 << 32, .sizeOutOfRange(.expansionROM, size: 1 << 32, kind: .expansionROM)),
        (.virtualFunctionBAR(1), 8, .sizeOutOfRange(.virtualFunctionBAR(1), size: 8, kind: .memory)),
    ])
    func slotAloneRefusesImpossibleSizes(slot: BARSlot, size: UInt64, expected: BARSizeProblem) {
        #expect(BARSizes.problem(size, for: slot) == expected)
    }

    @Test(arguments: [
        (BARSlot.bar(0), UInt64(0)), (.bar(0), 4), (.bar(5), 1 << 63), (.expansionROM, 0x800),
        (.expansionROM, 1 << 31), (.virtualFunctionBAR(0), 16),
    ])
    func slotAloneAcceptsPossibleSizes(slot: BARSlot, size: UInt64) {
        #expect(BARSizes.problem(size, for: slot) == nil)
    }

    @Test(arguments: [
        // 64-bit memory BAR0: 16 bytes up; its upper half BAR1 is not a BAR of its own.
        (BARSlot.bar(0), UInt64(8), BARSizeProblem?.some(.sizeOutOfRange(.bar(0), size: 8, kind: .memory64))),
        (.bar(0), 16, nil),
        (.bar(0), 1 << 40, nil),
        (.bar(1), 0x4000, .upperHalf(.bar(1), lower: .bar(0), offset: 0x10)),
        (.bar(1), 0, .upperHalf(.bar(1), lower: .bar(0), offset: 0x10)),
        // I/O BAR2: 4 to 256 bytes.
        (.bar(2), 4, nil),
        (.bar(2), 256, nil),
        (.bar(2), 512, .sizeOutOfRange(.bar(2), size: 512, kind: .io)),
        // 32-bit memory BAR3: at most 2 GiB.
        (.bar(3), 1 << 31, nil),
        (.bar(3), 1 << 32, .sizeOutOfRange(.bar(3), size: 1 << 32, kind: .memory32)),
        (.bar(3), 4, .sizeOutOfRange(.bar(3), size: 4, kind: .memory32)),
        // BAR5 says 64-bit, but nothing follows it: sized as 32-bit, as the probe does.
        (.bar(5), 1 << 32, .sizeOutOfRange(.bar(5), size: 1 << 32, kind: .memory32)),
        (.expansionROM, 0x800, nil),
        (.virtualFunctionBAR(0), 0x4000, .noSRIOV(.virtualFunctionBAR(0))),
    ])
    func endpointBARsByTheirRegisters(slot: BARSlot, size: UInt64, expected: BARSizeProblem?) {
        let analysis = Self.endpoint().analysis()
        #expect(BARSizes.problem(size, for: slot, in: analysis) == expected)
    }

    @Test func bridgeHasTwoBARs() {
        var builder = SpaceBuilder(size: 256, headerType: 1)
        builder.set32(0x10, 0)
        let analysis = builder.analysis()
        #expect(BARSizes.problem(0x1000, for: .bar(1), in: analysis) == nil)
        #expect(
            BARSizes.problem(0x1000, for: .bar(2), in: analysis)
                == .notInHeader(.bar(2), layout: .bridge, count: 2))
        #expect(BARSizes.problem(0x800, for: .expansionROM, in: analysis) == nil)
    }

    @Test func cardBusHasNoBARsToSize() {
        let analysis = SpaceBuilder(size: 256, headerType: 2).analysis()
        #expect(
            BARSizes.problem(0x1000, for: .bar(0), in: analysis) == .notInHeader(.bar(0), layout: .cardBus, count: 0))
        #expect(
            BARSizes.problem(0x800, for: .expansionROM, in: analysis)
                == .notInHeader(.expansionROM, layout: .cardBus, count: 0))
    }

    @Test func virtualFunctionBARsOfAPhysicalFunction() {
        let analysis = Self.physicalFunction().analysis()
        #expect(BARSizes.problem(0x4000, for: .virtualFunctionBAR(0), in: analysis) == nil)
        #expect(
            BARSizes.problem(0x4000, for: .virtualFunctionBAR(1), in: analysis)
                == .upperHalf(.virtualFunctionBAR(1), lower: .virtualFunctionBAR(0), offset: 0x124))
        #expect(BARSizes.problem(0x4000, for: .virtualFunctionBAR(2), in: analysis) == nil)
        #expect(
            BARSizes.problem(1 << 32, for: .virtualFunctionBAR(2), in: analysis)
                == .sizeOutOfRange(.virtualFunctionBAR(2), size: 1 << 32, kind: .memory32))
    }

    @Test func virtualFunctionTakesItsBARKindsFromThePhysicalFunction() {
        let analysis = SpaceBuilder(size: 4096).analysis(isVirtualFunction: true)
        let fromPF: [UInt32] = [0x0000_000C, 0, 0x0000_0000, 0, 0, 0]
        #expect(
            BARSizes.problem(0x4000, for: .bar(1), in: analysis, virtualFunctionBARs: fromPF)
                == .upperHalf(.bar(1), lower: .bar(0), offset: 0x10))
        #expect(BARSizes.problem(0x4000, for: .bar(1), in: analysis) == nil)
        #expect(
            BARSizes.problem(4, for: .bar(0), in: analysis) == .sizeOutOfRange(.bar(0), size: 4, kind: .memory))
        #expect(BARSizes.problem(0x800, for: .expansionROM, in: analysis) == .noROMOnVirtualFunction)
    }

    @Test func unreadableRegisterLeavesTheKindOpen() {
        // 64 readable bytes cover the BARs; a 48-byte read leaves BAR4-5 and the ROM unknown.
        let bytes = Array(Self.endpoint().bytes.prefix(0x20))
        let analysis = FunctionAnalysis(space: ConfigSpace(bytes: bytes, size: 256))
        #expect(BARSizes.problem(4, for: .bar(4), in: analysis) == nil)
        #expect(BARSizes.problem(512, for: .bar(2), in: analysis) == .sizeOutOfRange(.bar(2), size: 512, kind: .io))
    }
}
