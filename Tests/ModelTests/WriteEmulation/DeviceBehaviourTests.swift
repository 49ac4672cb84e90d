import Testing

@testable import Model

/// The device model's registers with behaviour: BAR sizing, MSI, MSI-X, FLR, PM, SR-IOV,
/// ATS, PASID, PRI, and the "RW only when supported" rules.
@Suite struct DeviceBehaviourTests {
    /// BAR0 32-bit memory, BAR1-2 a 64-bit prefetchable pair, BAR3 I/O; MSI at 0x40 (64-bit,
    /// 4 vectors capable, per-vector masking), PM at 0x60 with D1.
    static func function() -> SpaceBuilder {
        var builder = SpaceBuilder(size: 256, capabilityPointer: 0x40)
        builder.set32(0x10, 0x0000_0000)
        builder.set32(0x14, 0x0000_000C)
        builder.set32(0x1C, 0x0000_0001)
        builder.standard(0x40, id: 0x05, next: 0x60)
        builder.set16(0x42, 0x0180 | 2 << 1)  // 64-bit, maskable, Multiple Message Capable 4
        builder.standard(0x60, id: 0x01, next: 0)
        builder.set16(0x62, 0x0203)  // D1 supported
        return builder
    }

    static func emulator(_ builder: SpaceBuilder = function(), sizes: BARSizes = standardSizes) throws -> WriteEmulator
    {
        try SimulationFixtures.emulator(builder, model: .device, barSizes: sizes)
    }

    static let standardSizes = BARSizes([
        .bar(0): 0x1000, .bar(1): 0x1_0000_0000, .bar(3): 0x20, .bar(4): 0, .bar(5): 0, .expansionROM: 0x8000,
    ])

    // MARK: - BARs

    @Test func barSizingReadsBackTheSizeMask() throws {
        var emulator = try Self.emulator()
        #expect(try emulator.apply(.write(0x10, .dword, 0xFFFF_FFFF)).guestAfter == 0xFFFF_F000)
        #expect(try emulator.apply(.write(0x14, .dword, 0xFFFF_FFFF)).guestAfter == 0x0000_000C)
        #expect(try emulator.apply(.write(0x18, .dword, 0xFFFF_FFFF)).guestAfter == 0xFFFF_FFFF)
        #expect(try emulator.apply(.write(0x1C, .dword, 0xFFFF_FFFF)).guestAfter == 0xFFFF_FFE1)
        #expect(try emulator.apply(.write(0x20, .dword, 0xFFFF_FFFF)).guestAfter == 0)
        #expect(try emulator.apply(.write(0x30, .dword, 0xFFFF_FFFF)).guestAfter == 0xFFFF_8001)
        let address = try emulator.apply(.write(0x10, .dword, 0xFEB0_1234))
        #expect(address.guestAfter == 0xFEB0_1000)
        #expect(address.bits.dropped == 0x0000_0FFF)
    }

    @Test func largeSixtyFourBitBARsAndTheROMEnable() throws {
        // An 8 GiB 64-bit BAR: the lower dword keeps only its type bits, the upper takes the
        // bits above 8 GiB. The ROM's Enable bit is RW next to its address bits.
        var emulator = try Self.emulator(sizes: BARSizes([.bar(1): 0x2_0000_0000, .expansionROM: 0x1_0000]))
        #expect(try emulator.apply(.write(0x14, .dword, 0xFFFF_FFFF)).guestAfter == 0x0000_000C)
        #expect(try emulator.apply(.write(0x18, .dword, 0xFFFF_FFFF)).guestAfter == 0xFFFF_FFFE)
        #expect(try emulator.apply(.write(0x30, .dword, 0xFFFF_F800)).guestAfter == 0xFFFF_0000)
        #expect(try emulator.apply(.write(0x30, .dword, 0xFFFF_FFFF)).guestAfter == 0xFFFF_0001)
    }

    @Test func barsOfUnknownSizeAreLeftAloneWithAWarning() throws {
        var emulator = try Self.emulator(sizes: BARSizes())
        let record = try emulator.apply(.write(0x10, .dword, 0xFFFF_FFFF))
        #expect(record.guestAfter == 0)
        #expect(record.notes.contains(.barSizeUnknown(.bar(0))))
        #expect(
            emulator.setupNotes.contains {
                if case .barSizesUnknown(let slots) = $0 { slots.contains(.bar(1)) } else { false }
            })
        let rom = try emulator.apply(.write(0x30, .dword, 0xFFFF_FFFF))
        #expect(rom.notes.contains(.barSizeUnknown(.expansionROM)))
    }

    // MARK: - MSI

    @Test func multipleMessageEnableIsLimitedToCapable() throws {
        var emulator = try Self.emulator()
        let record = try emulator.apply(.write(0x42, .word, 0x0071))  // Enable, 128 vectors
        #expect(record.guestAfter == 0x01A5)  // Enable, QSIZE 2, capable 2, 64-bit, maskable
        #expect(record.notes.contains(.msiQueueSizeLimited(requested: 7, granted: 2)))
        #expect(record.bits.dropped & 0x0070 != 0)
        let fits = try emulator.apply(.write(0x42, .word, 0x0021))
        #expect(fits.guestAfter == 0x01A5 & ~0x70 | 0x20)
        #expect(fits.notes.isEmpty)
    }

    @Test func msiMaskBitsExistOnlyForCapableVectors() throws {
        var emulator = try Self.emulator()
        let record = try emulator.apply(.write(0x50, .dword, 0xFFFF_FFFF))  // Mask Bits, 4 vectors
        #expect(record.guestAfter == 0x0000_000F)
        let data = try emulator.apply(.write(0x4C, .word, 0xBEEF))
        #expect(data.guestAfter == 0xBEEF)
        let address = try emulator.apply(.write(0x44, .dword, 0xFEE0_0003))
        #expect(address.guestAfter == 0xFEE0_0000)
    }

    @Test func extendedMessageDataEnableNeedsCapable() throws {
        var emulator = try Self.emulator()
        #expect(try emulator.apply(.write(0x43, .byte, 0x04)).guestAfter == 0x01)
    }

    // MARK: - MSI-X and FLR (demo NVMe PF)

    @Test func msixEnableAndFunctionMaskAreWritable() throws {
        let pf = try #require(SimulationFixtures.physicalFunction)
        var emulator = try SimulationFixtures.emulator(pf, model: .device)
        let before = emulator.guestValue(at: 0x42, count: 2)
        let record = try emulator.apply(.write(0x42, .word, 0xFFFF))
        #expect(record.guestAfter == before | 0xC000)
        #expect(record.bits.taken == 0xC000)
    }

    @Test func functionLevelResetRestoresNonStickyStateAndClearsStatus() throws {
        let pf = try #require(SimulationFixtures.physicalFunction)
        var emulator = try SimulationFixtures.emulator(pf, model: .device)
        _ = try emulator.apply(.write(0x04, .word, 0x0006))
        _ = try emulator.apply(.write(0x88, .word, 0x0C0F))  // DevCtl incl. Aux Power PM Enable (RWS)
        let record = try emulator.apply(.write(0x88, .word, 0x8C0F))
        #expect(record.notes.contains { if case .functionLevelReset(let bits) = $0 { bits > 0 } else { false } })
        #expect(emulator.guestValue(at: 0x04, count: 2) == 0)
        // Aux Power PM Enable is sticky: it survives; Initiate FLR reads 0.
        #expect(emulator.guestValue(at: 0x88, count: 2) == 0x0400)
    }

    @Test func functionLevelResetKeepsStickyStatusAndControls() throws {
        // PCIe r6 §6.6.2: FLR leaves sticky registers alone. AER Uncorrectable Status (RW1CS)
        // and Mask (RWS) survive; Device Status (RW1C) and Command (RW) do not.
        var builder = DeviceModelTests.endpoint()
        builder.set32(0x104, 0x0000_1000)  // Poisoned TLP Status
        builder.set16(0x5A, 0x0001)  // Correctable Error Detected
        var emulator = try SimulationFixtures.emulator(builder, model: .device)
        _ = try emulator.apply(.write(0x108, .dword, 0x0000_0010))  // mask DLP errors
        _ = try emulator.apply(.write(0x04, .word, 0x0006))
        let record = try emulator.apply(.write(0x58, .word, 0x8000))
        #expect(record.notes.contains { if case .functionLevelReset = $0 { true } else { false } })
        #expect(emulator.guestValue(at: 0x104, count: 4) == 0x0000_1000)
        #expect(emulator.guestValue(at: 0x108, count: 4) == 0x0000_0010)
        #expect(emulator.guestValue(at: 0x5A, count: 2) == 0)
        #expect(emulator.guestValue(at: 0x04, count: 2) == 0)
    }

    @Test func functionLevelResetNeedsTheCapability() throws {
        var builder = DeviceModelTests.endpoint()
        builder.set32(0x54, 0)  // no FLR in Device Capabilities
        var emulator = try SimulationFixtures.emulator(builder, model: .device)
        _ = try emulator.apply(.write(0x04, .word, 0x0006))
        let record = try emulator.apply(.write(0x58, .word, 0x8000))
        #expect(record.notes.contains(.functionLevelResetUnsupported))
        #expect(emulator.guestValue(at: 0x04, count: 2) == 0x0006)
    }

    // MARK: - Power management

    @Test func powerStateAcceptsSupportedStatesAndValidTransitions() throws {
        var emulator = try Self.emulator()
        let d1 = try emulator.apply(.write(0x64, .word, 0x0001))
        #expect(d1.guestAfter & 3 == 1)
        #expect(d1.notes.contains(.powerStateChanged(from: 0, to: 1)))
        let d2 = try emulator.apply(.write(0x64, .word, 0x0002))  // D2 not supported
        #expect(d2.guestAfter & 3 == 1)
        #expect(d2.notes.contains(.powerStateIgnored(from: 1, requested: 2)))
        let d3 = try emulator.apply(.write(0x64, .word, 0x0003))
        #expect(d3.guestAfter & 3 == 3)
        let back = try emulator.apply(.write(0x64, .word, 0x0001))  // D3hot only to D0
        #expect(back.guestAfter & 3 == 3)
        #expect(back.notes.contains(.powerStateIgnored(from: 3, requested: 1)))
    }

    @Test func d3HotToD0WithoutNoSoftResetResetsTheFunction() throws {
        var emulator = try Self.emulator()
        _ = try emulator.apply(.write(0x3C, .byte, 0x0B))
        _ = try emulator.apply(.write(0x64, .word, 0x0003))
        let record = try emulator.apply(.write(0x64, .word, 0x0000))
        #expect(record.notes.contains { if case .softReset = $0 { true } else { false } })
        #expect(emulator.guestValue(at: 0x3C, count: 1) == 0)
        #expect(emulator.guestValue(at: 0x64, count: 2) & 3 == 0)
    }

    @Test func noSoftResetKeepsTheState() throws {
        var builder = Self.function()
        builder.set16(0x64, 0x0008)
        var emulator = try Self.emulator(builder)
        _ = try emulator.apply(.write(0x3C, .byte, 0x0B))
        _ = try emulator.apply(.write(0x64, .word, 0x0003))
        let record = try emulator.apply(.write(0x64, .word, 0x0000))
        #expect(!record.notes.contains { if case .softReset = $0 { true } else { false } })
        #expect(emulator.guestValue(at: 0x3C, count: 1) == 0x0B)
    }

    @Test func pmeEnableAndDataSelectNeedTheirFeatures() throws {
        var emulator = try Self.emulator()
        // No PME_Support and no Data register: PME_En and Data_Select stay 0.
        #expect(try emulator.apply(.write(0x65, .byte, 0x1F)).guestAfter == 0)
    }

    // MARK: - SR-IOV (demo PF: VF Enable set, NumVFs 2, TotalVFs 2)

    @Test func numVFsChangesOnlyWhileVFEnableIsClearAndUpToTotalVFs() throws {
        let pf = try #require(SimulationFixtures.physicalFunction)
        var emulator = try SimulationFixtures.emulator(pf, model: .device)
        let enabled = try emulator.apply(.write(0x130, .word, 1))
        #expect(enabled.guestAfter == 2)
        #expect(enabled.notes.contains(.numVFsIgnored(requested: 1, totalVFs: 2, vfEnabled: true)))
        let disable = try emulator.apply(.write(0x128, .word, 0x0008))
        #expect(disable.notes.contains(.virtualFunctionsEnabled(false, numVFs: 2)))
        let tooMany = try emulator.apply(.write(0x130, .word, 3))
        #expect(tooMany.guestAfter == 2)
        #expect(tooMany.notes.contains(.numVFsIgnored(requested: 3, totalVFs: 2, vfEnabled: false)))
        #expect(try emulator.apply(.write(0x130, .word, 1)).guestAfter == 1)
        let enable = try emulator.apply(.write(0x128, .word, 0x0009))
        #expect(enable.notes.contains(.virtualFunctionsEnabled(true, numVFs: 1)))
    }

    @Test func sriovControlBitsNeedTheirCapabilities() throws {
        let pf = try #require(SimulationFixtures.physicalFunction)
        var emulator = try SimulationFixtures.emulator(pf, model: .device)
        // SR-IOV Capabilities 0: no VF Migration, no 10-bit tags; ARI Capable Hierarchy is RW.
        #expect(try emulator.apply(.write(0x128, .word, 0x003F)).guestAfter == 0x0019)
    }

    @Test func systemPageSizeTakesOnlySupportedSizes() throws {
        let pf = try #require(SimulationFixtures.physicalFunction)
        var emulator = try SimulationFixtures.emulator(pf, model: .device)
        let supported = emulator.guestValue(at: 0x13C, count: 4)
        let record = try emulator.apply(.write(0x140, .dword, 0xFFFF_FFFF))
        #expect(record.guestAfter == supported)
        #expect(record.notes.contains(.systemPageSizeInvalid(supported)))
        #expect(try emulator.apply(.write(0x140, .dword, 0x1)).notes.isEmpty)
    }

    @Test func vfBARsAreSizedLikeBARs() throws {
        let pf = try #require(SimulationFixtures.physicalFunction)
        var emulator = try SimulationFixtures.emulator(
            pf, model: .device, barSizes: BARSizes([.virtualFunctionBAR(0): 0x4000]))
        #expect(try emulator.apply(.write(0x144, .dword, 0xFFFF_FFFF)).guestAfter == 0xFFFF_C004)
        var unknown = try SimulationFixtures.emulator(pf, model: .device)
        #expect(
            try unknown.apply(.write(0x144, .dword, 0xFFFF_FFFF)).notes.contains(
                .barSizeUnknown(.virtualFunctionBAR(0))))
    }

    // MARK: - ATS, PASID, PRI (demo PF: ATS 0x160, PRI 0x170, PASID 0x180)

    @Test func atsEnableAndSmallestTranslationUnit() throws {
        let pf = try #require(SimulationFixtures.physicalFunction)
        var emulator = try SimulationFixtures.emulator(pf, model: .device)
        let record = try emulator.apply(.write(0x166, .word, 0xFFFF))
        #expect(record.guestAfter == 0x801F)
        #expect(record.notes.contains(.reservedBitsWritten(mask: 0x7FE0)))
    }

    @Test func aVFCommandHasNoDecodeEnablesAndNoINTxDisable() throws {
        // SR-IOV 1.1 §3.4.1.3: a VF's I/O and Memory Space Enable are RO 0 (the PF's VF MSE
        // governs), Interrupt Disable is RO 0 (no INTx); Bus Master Enable, Parity Error
        // Response and SERR# Enable work as on any function. Same register, on the PF: all RW.
        let vf = try #require(SimulationFixtures.virtualFunction)
        var emulator = try SimulationFixtures.emulator(vf, model: .device, isVirtualFunction: true)
        let record = try emulator.apply(.write(0x04, .word, 0x0547))
        #expect(record.guestAfter == 0x0144)
        #expect(record.bits.dropped & 0x0403 == 0x0403)
        let pf = try #require(SimulationFixtures.physicalFunction)
        var physical = try SimulationFixtures.emulator(pf, model: .device)
        #expect(try physical.apply(.write(0x04, .word, 0x0547)).guestAfter == 0x0547)
    }

    @Test func atsSmallestTranslationUnitIsReadOnlyOnAVF() throws {
        let vf = try #require(SimulationFixtures.virtualFunction)
        var emulator = try SimulationFixtures.emulator(vf, model: .device, isVirtualFunction: true)
        #expect(try emulator.apply(.write(0x166, .word, 0x801F)).guestAfter == 0x8000)
    }

    @Test func pasidEnablesAreSettableOnlyWhenSupported() throws {
        let pf = try #require(SimulationFixtures.physicalFunction)
        var emulator = try SimulationFixtures.emulator(pf, model: .device)
        #expect(try emulator.apply(.write(0x186, .word, 0x0007)).guestAfter == 0x0007)
        var builder = SpaceBuilder(capabilityPointer: 0x40)
        builder.express(0x40, next: 0)
        builder.extended(0x100, id: 0x1B, next: 0)
        builder.set16(0x104, 0x1400)  // width 20, no Execute, no Privileged
        var plain = try SimulationFixtures.emulator(builder, model: .device)
        let record = try plain.apply(.write(0x106, .word, 0x0007))
        #expect(record.guestAfter == 0x0001)
        #expect(record.notes.contains(.pasidFeatureUnsupported(mask: 0x0006)))
    }

    @Test func pageRequestEnableResetAndStatus() throws {
        let pf = try #require(SimulationFixtures.physicalFunction)
        var emulator = try SimulationFixtures.emulator(pf, model: .device)
        #expect(emulator.guestValue(at: 0x176, count: 2) & 0x0100 != 0)  // Stopped
        let enable = try emulator.apply(.write(0x174, .word, 0x0001))
        #expect(enable.notes.contains(.pageRequestEnabled(true)))
        #expect(emulator.guestValue(at: 0x176, count: 2) & 0x0103 == 0)
        let resetWhileEnabled = try emulator.apply(.write(0x174, .word, 0x0003))
        #expect(resetWhileEnabled.notes.contains(.pageRequestReset(performed: false)))
        #expect(resetWhileEnabled.guestAfter == 0x0001)  // Reset reads 0
        let disable = try emulator.apply(.write(0x174, .word, 0x0002))
        #expect(disable.notes.contains(.pageRequestEnabled(false)))
        #expect(disable.notes.contains(.pageRequestReset(performed: true)))
        #expect(emulator.guestValue(at: 0x176, count: 2) & 0x0100 != 0)
        let allocation = try emulator.apply(.write(0x17C, .dword, 0x1000))
        #expect(allocation.notes.contains(.pageRequestAllocationAboveCapacity(allocation: 0x1000, capacity: 0x200)))
    }

    @Test func pageRequestStatusFlagsClearWithOnes() throws {
        let pf = try #require(SimulationFixtures.physicalFunction)
        var builder = SpaceBuilder()
        builder.bytes = pf.space.bytes
        builder.set16(0x176, 0x8103)  // Response Failure, UPRGI, Stopped, PASID required
        var emulator = try SimulationFixtures.emulator(builder, model: .device)
        let record = try emulator.apply(.write(0x176, .word, 0x0001))
        #expect(record.guestAfter == 0x8102)
        #expect(record.bits.cleared == 0x0001)
    }

    // MARK: - Fields hardwired unless supported

    @Test func expressControlsNeedTheirCapabilities() throws {
        var emulator = try SimulationFixtures.emulator(DeviceModelTests.endpoint(), model: .device)
        // Phantom Functions Enable needs Phantom Functions Supported; Extended Tag is supported.
        #expect(try emulator.apply(.write(0x59, .byte, 0x03)).guestAfter == 0x01)
        // Device Capabilities 2 is 0: only AtomicOp Requester and the IDO enables, which no
        // capability bit governs, stay writable in Device Control 2.
        #expect(try emulator.apply(.write(0x78, .word, 0xFFFF)).guestAfter == 0x0340)
    }

    @Test func aerEnablesNeedTheirCapableBits() throws {
        var emulator = try SimulationFixtures.emulator(DeviceModelTests.endpoint(), model: .device)
        // ECRC generation and check capable, no Multiple Header Recording.
        #expect(try emulator.apply(.write(0x118, .word, 0x0540)).guestAfter == 0x01E0)
        // Bit 0 of the uncorrectable registers is undefined: kept.
        #expect(try emulator.apply(.write(0x108, .dword, 0x1)).guestAfter == 0)
    }
}
