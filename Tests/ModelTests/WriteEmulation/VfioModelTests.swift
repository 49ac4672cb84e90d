import Testing

@testable import Model

/// The vfio model: virt and write bits per capability, the read-modify-write, hidden
/// capabilities, gaps, BAR sizing, the handlers, VFs and virtual capabilities.
@Suite struct VfioModelTests {
    static func demo() throws -> WriteEmulator {
        let pf = try #require(SimulationFixtures.physicalFunction)
        return try SimulationFixtures.emulator(
            pf, model: .vfio, barSizes: BARSizes([.bar(0): 0x4000, .expansionROM: 0]))
    }

    /// An endpoint with MSI (64-bit, maskable, 8 vectors) at 0x40, PCIe at 0x60 (FLR, MPS 256
    /// supported, MPS set to 256), PM at 0xA0, a vendor capability at 0xB0 and AER at 0x100.
    static func endpoint() -> SpaceBuilder {
        var builder = SpaceBuilder(capabilityPointer: 0x40)
        builder.standard(0x40, id: 0x05, next: 0x60)
        builder.set16(0x42, 0x0180 | 3 << 1)
        builder.express(0x60, next: 0xA0)
        builder.set32(0x64, 1 << 28 | 0x1)
        builder.set16(0x68, 0x0020)  // MPS 256, MRRS 128
        builder.standard(0xA0, id: 0x01, next: 0xB0)
        builder.set16(0xA2, 0xC003)  // PME from D3hot and D3cold
        builder.set16(0xA4, 0x0008)  // No_Soft_Reset
        builder.standard(0xB0, id: 0x09, next: 0)
        builder.bytes[0xB2] = 12
        builder.extended(0x100, id: 0x0001, version: 2, next: 0)
        return builder
    }

    /// The endpoint without FLR (and with No_Soft_Reset): the open has no reset, so status bits
    /// of the dump survive it.
    static func endpointWithoutReset() -> SpaceBuilder {
        var builder = endpoint()
        builder.set32(0x64, 0x1)
        return builder
    }

    static func vfio(
        _ builder: SpaceBuilder = endpoint(), gaps: GapPolicy = .passthrough, virtual: [VirtualRegion] = []
    ) throws -> WriteEmulator {
        try WriteEmulator(
            function: SimulatedFunction(space: builder.space),
            options: SimulationOptions(model: .vfio, gaps: gaps, virtualCapabilities: virtual))
    }

    // MARK: - Header

    @Test func commandINTxDisableIsVirtualAndTheDeviceBitFollowsIt() throws {
        // vfio_pci_intx_mask: on a PCI 2.3 device (INTx Disable writable) pci_intx() sets the
        // device's bit when the virtual one is set, in every interrupt mode.
        var emulator = try Self.demo()
        let record = try emulator.apply(.write(0x04, .word, 0x0406))
        #expect(record.guestAfter == 0x0406)
        #expect(record.deviceAfter == 0x0406)
        #expect(record.bits.storedVirtually == 0x0400)
        #expect(record.bits.forwarded == 0xFBFF)
        #expect(record.notes.contains(.intxDisableEmulated(true)))
        #expect(emulator.vfioModel?.isINTxMasked == true)
    }

    @Test func statusIsNotWritableThroughVfio() throws {
        var builder = Self.endpointWithoutReset()
        builder.set16(0x06, 0x8010)
        var emulator = try Self.vfio(builder)
        let record = try emulator.apply(.write(0x06, .word, 0x8000))
        #expect(record.bits.dropped == 0xFFFF)
        #expect(record.deviceWriteBytes == 0)
        #expect(emulator.guestValue(at: 0x06, count: 2) == 0x8010)
    }

    @Test func readModifyWriteClearsRW1CBitsTheGuestDidNotWrite() throws {
        // vfio_basic_config_write/vfio_default_config_write: a dword write at 0x04 covers Command (writable) and Status (not):
        // vfio writes Status back with the value it read, so its set RW1C bits clear.
        var builder = Self.endpointWithoutReset()
        builder.set16(0x06, 0x8010)
        var emulator = try Self.vfio(builder)
        let record = try emulator.apply(.write(0x04, .dword, 0x0000_0006))
        #expect(record.deviceAfter == 0x0010_0006)
        #expect(record.notes.contains(.readModifyWriteCleared(mask: 0x8000_0000)))
        #expect(record.deviceWriteValue == 0x8010_0006)
    }

    @Test func maskedWritesWriteBackSetStatusBitsOnlyInsideTheAccess() throws {
        // A masked write is setpci's read-modify-write (pciutils setpci.c, exec_op:
        // x = (y & ~mask) | value): set RW1C bits inside the access are written back as 1 and
        // clear, as they would on hardware; bytes outside the access are not written at all.
        var builder = Self.endpoint()
        builder.set32(0x104, 0x0000_1010)  // AER Uncorrectable Status: Poisoned TLP, Data Link Protocol
        var emulator = try Self.vfio(builder)
        let byte = try emulator.apply(.write(0x104, .byte, 0x10, mask: 0x10))
        #expect(byte.deviceWriteBytes == 0b0001)
        #expect(emulator.deviceValue(at: 0x104, count: 4) == 0x0000_1000)
        let dword = try emulator.apply(.write(0x104, .dword, 0, mask: 0x0000_0001))
        #expect(dword.value == 0x0000_1000)
        #expect(dword.bits.cleared == 0x0000_1000)
        #expect(emulator.deviceValue(at: 0x104, count: 4) == 0)
    }

    @Test func readModifyWriteAtDeviceControlClearsDeviceStatus() throws {
        var builder = Self.endpointWithoutReset()
        builder.set16(0x6A, 0x0009)  // Device Status: Correctable, Unsupported Request detected
        var emulator = try Self.vfio(builder)
        let record = try emulator.apply(.write(0x68, .dword, 0x0000_0001))
        #expect(emulator.deviceValue(at: 0x6A, count: 2) == 0)
        #expect(record.notes.contains(.readModifyWriteCleared(mask: 0x0009_0000)))
    }

    @Test func barSizingIsEmulatedInTheVirtualCopy() throws {
        var emulator = try Self.demo()
        let lower = try emulator.apply(.write(0x10, .dword, 0xFFFF_FFFF))
        #expect(lower.guestAfter == 0xFFFF_C004)
        #expect(lower.deviceAfter == lower.deviceBefore)
        #expect(lower.bits.storedVirtually == 0xFFFF_FFFF)
        let upper = try emulator.apply(.write(0x14, .dword, 0xFFFF_FFFF))
        #expect(upper.guestAfter == 0xFFFF_FFFF)
        let rom = try emulator.apply(.write(0x30, .dword, 0xFFFF_FFFF))
        #expect(rom.guestAfter == 0)
        let unknown = try emulator.apply(.write(0x20, .dword, 0xFFFF_FFFF))
        #expect(unknown.notes.contains(.barSizeUnknown(.bar(4))))
        #expect(unknown.bits.dropped == 0xFFFF_FFFF)
    }

    @Test func largeSixtyFourBitBARsAndTheROMAreSizedAsVfioBarFixupDoes() throws {
        // vfio_bar_fixup: the lower dword keeps (u32)~(size - 1) plus the type flags, the upper
        // dword (u32)(~(size - 1) >> 32); the ROM keeps ~(size - 1) | Enable.
        var builder = Self.endpoint()
        builder.set32(0x10, 0x0000_000C)  // 64-bit prefetchable
        var emulator = try WriteEmulator(
            function: SimulatedFunction(space: builder.space),
            options: SimulationOptions(
                model: .vfio, barSizes: BARSizes([.bar(0): 0x2_0000_0000, .expansionROM: 0x1_0000])))
        #expect(try emulator.apply(.write(0x10, .dword, 0xFFFF_FFFF)).guestAfter == 0x0000_000C)
        #expect(try emulator.apply(.write(0x14, .dword, 0xFFFF_FFFF)).guestAfter == 0xFFFF_FFFE)
        #expect(try emulator.apply(.write(0x30, .dword, 0xFFFF_F800)).guestAfter == 0xFFFF_0000)
        #expect(try emulator.apply(.write(0x30, .dword, 0xFFFF_FFFF)).guestAfter == 0xFFFF_0001)
        #expect(emulator.deviceValue(at: 0x10, count: 4) == 0x0000_000C)
    }

    @Test func interruptLineIsVirtualAndThePinReadOnly() throws {
        var emulator = try Self.demo()
        let line = try emulator.apply(.write(0x3C, .byte, 0x0B))
        #expect(line.guestAfter == 0x0B)
        #expect(line.deviceAfter == line.deviceBefore)
        let pin = try emulator.apply(.write(0x3D, .byte, 0x02))
        #expect(pin.guestAfter == pin.guestBefore)
    }

    // MARK: - Capabilities

    @Test func vfioHidesPASIDAndUnlinksIt() throws {
        let emulator = try Self.demo()
        #expect(emulator.guestAnalysis.capability(.extended(.processAddressSpaceID)) == nil)
        #expect(emulator.guestAnalysis.capability(.extended(.pageRequest)) != nil)
        #expect(emulator.setupNotes.contains(.hiddenCapability(.extended(.processAddressSpaceID), at: 0x180)))
        // PRI (0x170) pointed to PASID; the guest sees the end of the list there.
        #expect(emulator.guestValue(at: 0x172, count: 2) >> 4 == 0)
        #expect(emulator.vfioModel?.owner(at: 0x186) == .hiddenCapability(.extended(.processAddressSpaceID), at: 0x180))
    }

    @Test func hiddenCapabilityBytesAreUnassignedAndRaw() throws {
        var emulator = try Self.demo()
        let record = try emulator.apply(.write(0x186, .word, 0x0001))
        #expect(record.deviceAfter == 0x0001)
        #expect(record.bits.forwarded == 0xFFFF)
        #expect(record.notes.contains(.hiddenCapability(.extended(.processAddressSpaceID), at: 0x180)))
    }

    @Test func aHiddenFirstExtendedCapabilityBecomesAPlaceholder() throws {
        var builder = SpaceBuilder(capabilityPointer: 0x40)
        builder.express(0x40, next: 0)
        builder.extended(0x100, id: 0x1B, next: 0x140)  // PASID: hidden
        builder.extended(0x140, id: 0x0F, next: 0)  // ATS: kept
        let emulator = try Self.vfio(builder)
        #expect(emulator.guestValue(at: 0x100, count: 4) == 0x1400_0000)
        #expect(emulator.setupNotes.contains(.placeholder(.extended(.processAddressSpaceID), at: 0x100)))
        #expect(emulator.guestAnalysis.capability(.extended(.addressTranslationServices))?.offset == 0x140)
    }

    @Test func noKeptExtendedCapabilityEmptiesTheList() throws {
        var builder = SpaceBuilder(capabilityPointer: 0x40)
        builder.express(0x40, next: 0)
        builder.extended(0x100, id: 0x1B, next: 0)
        let emulator = try Self.vfio(builder)
        #expect(emulator.guestValue(at: 0x100, count: 4) == 0)
    }

    @Test func hiddenStandardCapabilitiesAreUnlinked() throws {
        var builder = SpaceBuilder(capabilityPointer: 0x40)
        builder.standard(0x40, id: 0x0D, next: 0x50)  // SSVID: hidden
        builder.standard(0x50, id: 0x01, next: 0)
        let emulator = try Self.vfio(builder)
        #expect(emulator.guestValue(at: 0x34, count: 1) == 0x50)
        var alone = SpaceBuilder(capabilityPointer: 0x40)
        alone.standard(0x40, id: 0x0D, next: 0)
        #expect(try Self.vfio(alone).guestValue(at: 0x06, count: 2) & 0x10 == 0)
    }

    @Test func capabilitiesWithoutAWriteHandlerAreReadOnly() throws {
        var emulator = try Self.demo()
        let record = try emulator.apply(.write(0x42, .word, 0xC000))  // MSI-X Message Control
        #expect(record.guestAfter == record.guestBefore)
        #expect(record.notes.contains(.capabilityReadOnly(.standard(.msix), at: 0x40)))
    }

    @Test func vendorSpecificCapabilitiesAreRawWrites() throws {
        var emulator = try Self.vfio()
        let record = try emulator.apply(.write(0xB4, .dword, 0x1234_5678))
        #expect(record.deviceAfter == 0x1234_5678)
        #expect(record.bits.forwarded == 0xFFFF_FFFF)
    }

    @Test func aerErrorBitsAreWritableToTheDevice() throws {
        var builder = Self.endpoint()
        builder.set32(0x104, 0x0000_1000)
        var emulator = try Self.vfio(builder)
        let status = try emulator.apply(.write(0x104, .dword, 0x0000_1000))
        #expect(status.deviceAfter == 0)
        #expect(status.bits.forwarded == 0x03FF_F031)
        let header = try emulator.apply(.write(0x100, .dword, 0))
        #expect(header.bits.dropped == 0xFFFF_FFFF)
    }

    // MARK: - Gaps

    @Test func gapsPassThroughOrAreDropped() throws {
        var passthrough = try Self.vfio()
        let forwarded = try passthrough.apply(.write(0xD0, .dword, 0xCAFE_F00D))
        #expect(forwarded.deviceAfter == 0xCAFE_F00D)
        #expect(forwarded.guestAfter == 0xCAFE_F00D)
        #expect(forwarded.notes.contains(.gap(ConfigRange(0xD0, length: 4), suspectedHiddenRegisters: false)))
        var dropping = try Self.vfio(gaps: .drop)
        let dropped = try dropping.apply(.write(0xD0, .dword, 0xCAFE_F00D))
        #expect(dropped.deviceAfter == 0)
        #expect(dropped.notes.contains(.gapWriteDropped(ConfigRange(0xD0, length: 4))))
    }

    @Test func accessesSplitWhereTheOwnerChanges() throws {
        // MSI (64-bit, maskable) is 24 bytes at 0x40; a dword at 0x58 is all MSI, but with a
        // 10-byte MSI (32-bit, no mask) a dword at 0x48 covers MSI data and unassigned bytes.
        var builder = SpaceBuilder(capabilityPointer: 0x40)
        builder.standard(0x40, id: 0x05, next: 0)
        var emulator = try Self.vfio(builder)
        let record = try emulator.apply(.write(0x48, .dword, 0xAAAA_BBBB))
        #expect(record.bits.storedVirtually == 0x0000_FFFF)
        #expect(record.bits.forwarded == 0xFFFF_0000)
        #expect(record.deviceWriteBytes == 0b1100)
        #expect(record.guestAfter == 0xAAAA_BBBB)
    }

    // MARK: - Handlers

    @Test func msiEnableIsClearedAndTheQueueSizeLimited() throws {
        var emulator = try Self.vfio()
        let record = try emulator.apply(.write(0x42, .byte, 0x37))  // Enable, 8 vectors, capable 8 as read
        #expect(record.guestAfter == 0x06)
        #expect(record.notes.contains(.msiEnableCleared))
        #expect(record.notes.contains(.msiQueueSizeLimited(requested: 3, granted: 0)))
        #expect(emulator.deviceValue(at: 0x42, count: 2) == 0x0186)
        // The whole low byte of Message Control is virtual and writable in vfio's table, so a
        // guest that does not write back Multiple Message Capable changes what it reads.
        #expect(try emulator.apply(.write(0x42, .byte, 0x00)).guestAfter == 0x00)
        #expect(emulator.deviceValue(at: 0x42, count: 2) == 0x0186)
        let mask = try emulator.apply(.write(0x50, .dword, 0x0000_00FF))
        #expect(mask.deviceAfter == 0xFF)
        #expect(mask.bits.storedVirtually == 0)
    }

    @Test func payloadSizeStaysVirtualReadRequestReachesTheDeviceFlooredAtIt() throws {
        var emulator = try Self.vfio()
        let record = try emulator.apply(.write(0x68, .word, 0x0000))  // MPS 128, MRRS 128
        #expect(record.guestAfter == 0x0000)
        #expect(emulator.deviceValue(at: 0x68, count: 2) & 0x00E0 == 0x0020)
        let readRequest = try emulator.apply(.write(0x68, .word, 0x2000))  // MRRS 512
        #expect(readRequest.notes.contains(.maxReadRequestSet(requested: 512, applied: 512)))
        #expect(emulator.deviceValue(at: 0x68, count: 2) & 0x7000 == 0x2000)
        let floor = try emulator.apply(.write(0x68, .word, 0x0000))
        #expect(floor.notes.contains(.maxReadRequestSet(requested: 128, applied: 256)))
        #expect(emulator.deviceValue(at: 0x68, count: 2) & 0x7000 == 0x1000)
        let phantom = try emulator.apply(.write(0x68, .word, 0x0200))
        #expect(phantom.bits.dropped & 0x0200 != 0)
    }

    @Test func theOpenResetsTheFunctionAndClearsStatus() throws {
        // vfio_pci_core_enable: pci_try_reset_function (FLR here) with the state saved and
        // restored, so only the non-sticky status bits change.
        var builder = Self.endpoint()
        builder.set16(0x6A, 0x0001)
        builder.set16(0x04, 0x0004)  // Bus Master Enable
        let emulator = try Self.vfio(builder)
        let steps = try #require(emulator.vfioModel?.openSteps)
        #expect(steps.contains(.busMasterCleared))
        #expect(steps.contains(.reset(method: "FLR", clearedBits: 1)))
        #expect(emulator.deviceValue(at: 0x6A, count: 2) == 0)
        #expect(emulator.deviceValue(at: 0x04, count: 2) & 0x0004 == 0)
        #expect(emulator.setupNotes.contains(.vfioOpen(.reset(method: "FLR", clearedBits: 1))))
    }

    @Test func theOpenBringsAnIdleDeviceBackToD0() throws {
        var builder = Self.endpoint()
        builder.set16(0xA4, 0x0008 | 3)  // runtime-suspended: D3hot
        let emulator = try Self.vfio(builder)
        #expect(emulator.vfioModel?.openSteps.contains(.poweredUp(from: 3)) == true)
        #expect(emulator.deviceValue(at: 0xA4, count: 2) & 3 == 0)
        #expect(emulator.guestValue(at: 0xA4, count: 2) & 3 == 0)
    }

    @Test func flrIsTrappedAndTheKernelRestoresTheState() throws {
        var emulator = try Self.vfio()
        _ = try emulator.apply(.write(0x04, .word, 0x0006))
        _ = try emulator.apply(.write(0xA4, .word, 0x0003))  // D3hot: the kernel wakes it first
        let record = try emulator.apply(.write(0x68, .word, 0x8000))
        #expect(record.notes.contains(.resetWithRestore(clearedBits: 0)))
        #expect(emulator.deviceValue(at: 0xA4, count: 2) & 3 == 0)
        #expect(emulator.guestValue(at: 0x68, count: 2) & 0x8000 == 0)
        #expect(emulator.deviceValue(at: 0x04, count: 2) == 0x0006)
        #expect(emulator.deviceValue(at: 0x6A, count: 2) == 0)
    }

    @Test func powerStateIsSetByTheKernel() throws {
        var emulator = try Self.vfio()
        let d3 = try emulator.apply(.write(0xA4, .word, 0x0003))
        #expect(d3.deviceAfter & 3 == 3)
        #expect(d3.notes.contains(.powerStateChanged(from: 0, to: 3)))
        let pme = try emulator.apply(.write(0xA4, .word, 0x0103))
        #expect(pme.guestAfter & 0x0100 == 0)
        let d1 = try emulator.apply(.write(0xA4, .word, 0x0001))
        #expect(d1.notes.contains(.powerStateIgnored(from: 3, requested: 1)))
        let d0 = try emulator.apply(.write(0xA4, .word, 0x0000))
        #expect(d0.deviceAfter & 3 == 0)
    }

    @Test func pmePowerManagementBitsAreVirtual() throws {
        let emulator = try Self.vfio()
        #expect(emulator.guestValue(at: 0xA2, count: 2) == 0x0003)
        #expect(emulator.deviceValue(at: 0xA2, count: 2) == 0xC003)
    }

    @Test func aPFWithVFsEnabledStaysInD0() throws {
        var emulator = try Self.demo()
        let record = try emulator.apply(.write(0x64, .word, 0x0003))
        #expect(record.notes.contains(.powerStateBusy(requested: 3)))
        #expect(emulator.deviceValue(at: 0x64, count: 2) & 3 == 0)
    }

    @Test func vfioBindsOnlyEndpoints() {
        var bridge = SpaceBuilder(headerType: 1)
        bridge.bytes[0x0E] = 1
        #expect(throws: WriteEmulationError.vfioNeedsEndpoint(.bridge)) { try Self.vfio(bridge) }
    }

    // MARK: - VFs

    @Test func aVFShowsItsIdentityAVirtualMemoryEnableAndNoPin() throws {
        let vf = try #require(SimulationFixtures.virtualFunction)
        let pf = try #require(SimulationFixtures.physicalFunction)
        var emulator = try SimulationFixtures.emulator(
            vf, model: .vfio, isVirtualFunction: true, barSizes: BARSizes([.bar(0): 0x4000]),
            physicalFunction: pf.space, vendorID: 0x1B36, deviceID: 0x0010)
        #expect(emulator.guestValue(at: 0x00, count: 4) == 0x0010_1B36)
        #expect(emulator.guestValue(at: 0x04, count: 2) & 0x0002 != 0)
        #expect(emulator.guestValue(at: 0x3D, count: 1) == 0)
        // The BAR's type bits come from the PF's VF BAR0 (64-bit memory).
        #expect(emulator.guestValue(at: 0x10, count: 4) == 0x0000_0004)
        let record = try emulator.apply(.write(0x04, .word, 0x0004))
        #expect(record.guestAfter & 0x0002 == 0)
        #expect(record.deviceAfter & 0x0002 == 0)
        // Setting it again: the device drops it, vfio keeps it, and the record says it was
        // stored virtually rather than dropped.
        let again = try emulator.apply(.write(0x04, .word, 0x0006))
        #expect(again.guestAfter & 0x0002 == 0x0002)
        #expect(again.deviceAfter & 0x0002 == 0)
        #expect(again.bits.storedVirtually & 0x0002 == 0x0002)
        #expect(again.bits.dropped & 0x0002 == 0)
    }

    // MARK: - Virtual capabilities

    static let virtualPASID = VirtualRegion(
        id: .processAddressSpaceID, version: 1, offset: 0xFF8, body: [0x06, 0x14, 0x00, 0x00])

    @Test func virtualCapabilitiesAreLinkedAndFullyVirtual() throws {
        var emulator = try Self.demo()
        emulator = try SimulationFixtures.emulator(
            try #require(SimulationFixtures.physicalFunction), model: .vfio, virtual: [Self.virtualPASID])
        let pasid = try #require(emulator.guestAnalysis.capability(.extended(.processAddressSpaceID)))
        #expect(pasid.offset == 0xFF8)
        let record = try emulator.apply(.write(0xFFE, .word, 0x0007))
        #expect(record.guestAfter == 0x0007)
        #expect(record.deviceAfter == record.deviceBefore)
        #expect(record.bits.storedVirtually == 0x0007)
        #expect(record.notes.contains(.virtualCapability(.processAddressSpaceID, at: 0xFF8)))
        let header = try emulator.apply(.write(0xFF8, .dword, 0))
        #expect(header.guestAfter == header.guestBefore)
        #expect(!header.notes.contains { if case .gap = $0 { true } else { false } })
    }

    @Test func aVirtualCapabilityOnAVFReportsThePFsPASID() throws {
        let vf = try #require(SimulationFixtures.virtualFunction)
        let pf = try #require(SimulationFixtures.physicalFunction)
        var emulator = try SimulationFixtures.emulator(
            vf, model: .vfio, isVirtualFunction: true, virtual: [Self.virtualPASID], physicalFunction: pf.space)
        #expect(emulator.setupNotes.contains(.physicalFunctionCapability(.processAddressSpaceID, enabled: false)))
        let record = try emulator.apply(.write(0xFFE, .word, 0x0001))
        #expect(record.notes.contains(.physicalFunctionCapability(.processAddressSpaceID, enabled: false)))
    }

    @Test func anEmptyListGetsANullHead() throws {
        var builder = SpaceBuilder(capabilityPointer: 0x40)
        builder.express(0x40, next: 0)
        let emulator = try Self.vfio(builder, virtual: [Self.virtualPASID])
        #expect(emulator.guestValue(at: 0x100, count: 4) == 0xFF80_0000)
        #expect(emulator.guestAnalysis.capability(.extended(.processAddressSpaceID))?.offset == 0xFF8)
    }

    @Test func virtualCapabilitiesMustNotOverlapOrFallOutside() throws {
        let overlapping = VirtualRegion(id: .processAddressSpaceID, version: 1, offset: 0x100, body: [0, 0, 0, 0])
        #expect(throws: WriteEmulationError.virtualCapabilityOverlaps(ConfigRange(0x100, length: 8), existing: 0x100)) {
            try Self.vfio(virtual: [overlapping])
        }
        let outside = VirtualRegion(id: .processAddressSpaceID, version: 1, offset: 0xFFC, body: [0, 0, 0, 0])
        #expect(throws: WriteEmulationError.virtualCapabilityOutOfRange(ConfigRange(0xFFC, length: 8))) {
            try Self.vfio(virtual: [outside])
        }
        // Two virtual capabilities on top of each other: the error names where the first starts.
        let first = VirtualRegion(
            id: .designatedVendorSpecific, version: 1, offset: 0xFF0, body: [UInt8](repeating: 0, count: 12))
        let second = VirtualRegion(id: .processAddressSpaceID, version: 1, offset: 0xFF8, body: [0, 0, 0, 0])
        #expect(throws: WriteEmulationError.virtualCapabilityOverlaps(ConfigRange(0xFF8, length: 8), existing: 0xFF0)) {
            try Self.vfio(virtual: [first, second])
        }
        var conventional = SpaceBuilder(size: 256)
        conventional.bytes[0x0E] = 0
        #expect(throws: WriteEmulationError.virtualCapabilitiesNeedExtendedSpace) {
            try Self.vfio(conventional, virtual: [Self.virtualPASID])
        }
    }

    @Test(arguments: [Int.max - 3, Int.max - 7, 1 << 62, -4, 0x1000])
    func virtualCapabilitiesFarOutsideTheSpaceAreRefused(_ offset: Int) throws {
        // A plan file gives any offset; `offset + length` used to overflow for dword-aligned
        // offsets near Int.max (found by WriteEmulationFuzzTests).
        let region = VirtualRegion(
            id: .processAddressSpaceID, version: 1, offset: ConfigOffset(offset), body: [0, 0, 0, 0])
        #expect(throws: WriteEmulationError.virtualCapabilityOutOfRange(region.range)) {
            try Self.vfio(virtual: [region])
        }
        let long = VirtualRegion(
            id: .designatedVendorSpecific, version: 1, offset: 0xFF8, body: [UInt8](repeating: 0, count: 5))
        #expect(throws: WriteEmulationError.virtualCapabilityOutOfRange(long.range)) { try Self.vfio(virtual: [long]) }
    }

    // MARK: - Capabilities cut off by the end of the space

    @Test func advancedFeaturesCutOffByTheEndOfTheSpace() throws {
        // AF at 0xFC of a 256-byte space: AF Capabilities (+3) is the last byte, AF Control
        // (+4) lies outside. A write used to read the control byte out of range (found by
        // WriteEmulationFuzzTests); now there is no control to act on.
        var builder = SpaceBuilder(size: 256, capabilityPointer: 0xFC)
        builder.standard(0xFC, id: 0x13, next: 0)
        builder.bytes[0xFE] = 6
        builder.bytes[0xFF] = 0x03  // TP and FLR capable
        var emulator = try Self.vfio(builder)
        #expect(emulator.vfioModel?.handler(at: 0xFF) == .advancedFeatures)
        let record = try emulator.apply(.write(0xFC, .dword, 0xFFFF_FFFF))
        #expect(record.guestAfter == record.guestBefore)
        #expect(!record.notes.contains { if case .resetWithRestore = $0 { true } else { false } })
        #expect(try emulator.apply(.write(0xFF, .byte, 0x01)).guestAfter == 0x03)
    }

    @Test func sriovAtTheEndOfTheSpaceHasNoVFsEnabled() throws {
        // SR-IOV at 0xFFC: its Control register (+8) lies outside the space. Entering D3hot asks
        // how many VFs are enabled, which used to read it out of range (found by the fuzz test).
        var builder = Self.endpoint()
        builder.extended(0x100, id: 0x0001, version: 2, next: 0xFFC)
        builder.extended(0xFFC, id: 0x0010, version: 1, next: 0)
        var emulator = try Self.vfio(builder)
        #expect(emulator.vfioModel?.owner(at: 0xFFC) == .capability(.extended(.singleRootIOV), at: 0xFFC))
        let record = try emulator.apply(.write(0xA4, .word, 0x0003))
        #expect(record.notes.contains(.powerStateChanged(from: 0, to: 3)))
        #expect(emulator.deviceValue(at: 0xA4, count: 2) & 3 == 3)
    }
}
