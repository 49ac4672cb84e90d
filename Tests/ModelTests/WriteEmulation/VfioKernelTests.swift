import Testing

@testable import Model

/// vfio-pci behaviours read from Linux 6.1's source that QEMU's devices cannot show the kernel
/// oracle (no VPD, no Power Budgeting, no i40e), and the interrupt setup the oracle never makes.
@Suite struct VfioKernelTests {
    static func emulator(
        _ builder: SpaceBuilder, interrupts: VfioInterrupts = .none, barSizes: BARSizes = BARSizes()
    ) throws -> WriteEmulator {
        try WriteEmulator(
            function: SimulatedFunction(space: builder.space),
            options: SimulationOptions(model: .vfio, barSizes: barSizes, interrupts: interrupts))
    }

    /// MSI (32-bit, 8 vectors capable) at 0x40, PCIe at 0x60 without FLR, VPD at 0x80, Power
    /// Budgeting at 0x100.
    static func endpoint() -> SpaceBuilder {
        var builder = SpaceBuilder(capabilityPointer: 0x40)
        builder.standard(0x40, id: 0x05, next: 0x60)
        builder.set16(0x42, 3 << 1)
        builder.express(0x60, next: 0x80)
        builder.standard(0x80, id: 0x03, next: 0)
        builder.extended(0x100, id: 0x0004, next: 0)
        return builder
    }

    @Test func powerBudgetingDataIsTheWritableByteNotDataSelect() throws {
        // init_pci_ext_cap_pwr_perm: p_setb(perm, PCI_PWR_DATA, NO_VIRT, ALL_WRITE).
        var emulator = try Self.emulator(Self.endpoint())
        let select = try emulator.apply(.write(0x104, .byte, 0x02))
        #expect(select.bits.dropped == 0xFF)
        #expect(select.deviceWriteBytes == 0)
        let data = try emulator.apply(.write(0x108, .byte, 0x55))
        #expect(data.deviceWriteBytes == 0b1)
        let upper = try emulator.apply(.write(0x109, .byte, 0x55))
        #expect(upper.bits.dropped == 0xFF)
    }

    @Test func aVPDTransferTogglesTheFlag() throws {
        // vfio_vpd_config_write: a write covering Address's high byte starts the transfer and
        // F toggles when it is done; a guest polling F sees it.
        var emulator = try Self.emulator(Self.endpoint())
        let read = try emulator.apply(.write(0x82, .word, 0x0010))  // read at 0x10: F clear
        #expect(read.notes.contains(.vpdTransfer(write: false, address: 0x10)))
        #expect(emulator.guestValue(at: 0x82, count: 2) == 0x8010)
        #expect(emulator.guestValue(at: 0x84, count: 4) == 0)
        let write = try emulator.apply(.write(0x82, .word, 0x8020))  // write at 0x20: F set
        #expect(write.notes.contains(.vpdTransfer(write: true, address: 0x20)))
        #expect(emulator.guestValue(at: 0x82, count: 2) == 0x0020)
        // The low byte alone starts nothing.
        let low = try emulator.apply(.write(0x82, .byte, 0x30))
        #expect(!low.notes.contains { if case .vpdTransfer = $0 { true } else { false } })
        #expect(emulator.deviceValue(at: 0x82, count: 2) == 0)
    }

    @Test func brokenINTxDevicesAreMaskedAndHideTheirPin() throws {
        var builder = Self.endpoint()
        builder.set16(0x00, 0x8086)
        builder.set16(0x02, 0x1572)  // X710: vfio_pci_nointx
        builder.bytes[0x3D] = 1
        var emulator = try Self.emulator(builder)
        #expect(emulator.guestValue(at: 0x3D, count: 1) == 0)
        #expect(emulator.deviceValue(at: 0x04, count: 2) & 0x0400 != 0)
        #expect(emulator.vfioModel?.openSteps.contains(.intxMasked) == true)
        #expect(emulator.vfioModel?.openSteps.contains(.interruptPinHidden(virtualFunction: false)) == true)
        // The guest's INTx Disable stays virtual: the device's bit does not follow it.
        _ = try emulator.apply(.write(0x04, .word, 0x0000))
        #expect(emulator.deviceValue(at: 0x04, count: 2) & 0x0400 != 0)

        var other = Self.endpoint()
        other.bytes[0x3D] = 1
        let plain = try Self.emulator(other)
        #expect(plain.guestValue(at: 0x3D, count: 1) == 1)
    }

    @Test func theINTxDisableSetAtDumpTimeIsClearedAtOpenOnA23Device() throws {
        var builder = Self.endpoint()
        builder.set16(0x04, 0x0400)
        let emulator = try Self.emulator(builder)
        #expect(emulator.deviceValue(at: 0x04, count: 2) & 0x0400 == 0)
        #expect(emulator.vfioModel?.openSteps.contains(.intxDisableCleared) == true)
    }

    @Test func withoutMSISetUpEnableNeverSticksAndOneVectorIsAllowed() throws {
        var emulator = try Self.emulator(Self.endpoint())
        let record = try emulator.apply(.write(0x42, .word, 0x0031))  // Enable, MME 8 vectors
        #expect(record.notes.contains(.msiEnableCleared))
        #expect(record.notes.contains(.msiQueueSizeLimited(requested: 3, granted: 0)))
        #expect(emulator.guestValue(at: 0x42, count: 2) & 0x71 == 0)
        #expect(emulator.setupNotes.contains(.vfioOpen(.interrupts(.none))))
    }

    @Test func withMSISetUpEnableSticksAndTheVectorsAreLimitedToTheSetup() throws {
        var emulator = try Self.emulator(Self.endpoint(), interrupts: .msi(vectors: 4))
        // The host kernel enabled MSI in the device; pci_intx_for_msi's INTx Disable is undone
        // by vfio_pci_memory_unlock_and_restore writing the saved Command back (QEMU oracle).
        #expect(emulator.deviceValue(at: 0x42, count: 2) & 0x01 == 0x01)
        #expect(emulator.deviceValue(at: 0x04, count: 2) & 0x0400 == 0)
        let record = try emulator.apply(.write(0x42, .word, 0x0031))
        #expect(!record.notes.contains(.msiEnableCleared))
        #expect(record.notes.contains(.msiQueueSizeLimited(requested: 3, granted: 2)))
        #expect(emulator.guestValue(at: 0x42, count: 2) & 0x71 == 0x21)
    }

    @Test func multipleMessageCapableReadsWhatTheGuestWrote() throws {
        // Linux 6.1 vfio_msi_config_read refreshes vconfig[start] (ID/Next), not the flags:
        // the low byte stays virtual and writable, as the kernel oracle shows.
        var emulator = try Self.emulator(Self.endpoint())
        #expect(emulator.guestValue(at: 0x42, count: 1) == 0x06)
        _ = try emulator.apply(.write(0x42, .byte, 0x0E))
        #expect(emulator.guestValue(at: 0x42, count: 1) == 0x0E)
        #expect(emulator.guestValue(at: 0x40, count: 1) == 0x05)
    }

    @Test func lostBARsAreRestoredOnACommandWrite() throws {
        // vfio_need_bar_restore: the device's BAR0 no longer holds its value at open.
        var builder = Self.endpoint()
        builder.set32(0x10, 0xFE00_0000)
        var emulator = try Self.emulator(builder, barSizes: BARSizes([.bar(0): 0x1000]))
        var vfio = try #require(emulator.vfioModel)
        vfio.device.store(0, at: 0x10, count: 4)
        var result = VfioWriteResult()
        vfio.write(at: 0x04, count: 2, value: 0x0002, into: &result)
        #expect(result.notes.contains(.barsRestored))
        #expect(vfio.device.value(at: 0x10, count: 4) == 0xFE00_0000)
        // With the BARs intact nothing is written back.
        let again = try emulator.apply(.write(0x04, .word, 0x0002))
        #expect(!again.notes.contains(.barsRestored))
    }

    // MARK: - The device model: unimplemented registers inside a structure are RsvdZ

    @Test func unimplementedTailsOfExpressAndAERAreRsvdZ() throws {
        var builder = SpaceBuilder(capabilityPointer: 0x40)
        builder.express(0x40, next: 0)
        builder.extended(0x100, id: 0x0001, version: 2, next: 0)
        let map = AccessMap(analysis: builder.analysis(), barSizes: BARSizes(), gapsAreStorage: true)
        // PCIe v2 endpoint: Slot Capabilities/Control/Status 2 at +0x34..+0x3B.
        for offset in 0x74..<0x7C {
            #expect(map.rules[offset].take == 0)
            #expect(map.rules[offset].reservedZero == 0xFF)
        }
        #expect(map.rules[0x7C].take == 0xFF)  // past the structure: a gap
        // AER of an endpoint: the root registers and TLP Prefix Log, +0x2C..+0x47.
        for offset in 0x12C..<0x148 { #expect(map.rules[offset].take == 0) }
        #expect(map.rules[0x148].take == 0xFF)
    }

    @Test func theNullExtendedHeaderIsReadOnly() throws {
        var builder = SpaceBuilder(capabilityPointer: 0x40)
        builder.express(0x40, next: 0)
        let map = AccessMap(analysis: builder.analysis(), barSizes: BARSizes(), gapsAreStorage: true)
        for offset in 0x100..<0x104 { #expect(map.rules[offset].take == 0) }
        #expect(map.rules[0x104].take == 0xFF)
    }
}
