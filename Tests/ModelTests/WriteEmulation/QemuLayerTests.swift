import Testing

@testable import Model

/// QEMU's vfio-pci layer, case by case from hw/vfio/pci.c (and hw/pci/pci.c, msi.c, msix.c,
/// pcie.c); the QEMU-in-guest oracle (QemuVfioOracleTests) checks the same against QEMU 7.2.
@Suite struct QemuLayerTests {
    /// PM at 0x40, MSI (64-bit, per-vector masking, 8 vectors) at 0x50, PCIe Endpoint at 0x70,
    /// MSI-X (16 entries, table and PBA in BAR0) at 0xB0; AER 0x100, SR-IOV 0x140, ARI 0x180,
    /// Resizable BAR 0x1C0 (256 MB now), DSN 0x200. BAR0 64-bit 16 KiB, BAR2 I/O 32 bytes.
    static func endpoint(portType: Int = 0) -> SpaceBuilder {
        var builder = SpaceBuilder(capabilityPointer: 0x40)
        builder.set32(0x10, 0xFE00_000C)
        builder.set32(0x14, 0x0000_0001)
        builder.set32(0x18, 0x0000_E001)
        builder.bytes[0x3D] = 1
        builder.standard(0x40, id: 0x01, next: 0x50)
        builder.set16(0x42, 0x0003)
        builder.standard(0x50, id: 0x05, next: 0x70)
        builder.set16(0x52, 0x0180 | 3 << 1)
        builder.set32(0x54, 0xFEE0_0000)
        builder.express(0x70, next: 0xB0, portType: PortType(rawValue: portType))
        builder.set32(0x70 + 4, 1 << 28)  // FLR
        builder.set32(0x70 + 0x2C, 0x0E)
        builder.standard(0xB0, id: 0x11, next: 0)
        builder.set16(0xB2, 15)
        builder.set32(0xB4, 0x2000)
        builder.set32(0xB8, 0x3000)
        builder.extended(0x100, id: 0x0001, version: 2, next: 0x140)
        builder.extended(0x140, id: 0x0010, next: 0x180)
        builder.extended(0x180, id: 0x000E, next: 0x1C0)
        builder.extended(0x1C0, id: 0x0015, next: 0x200)
        builder.set32(0x1C4, 0x0000_3FF0)  // 1 MB-512 MB supported
        builder.set32(0x1C8, 0x0000_0820)  // BAR0, 1 BAR, current 256 MB
        builder.extended(0x200, id: 0x0003, next: 0)
        builder.set32(0x204, 0x1122_3344)
        return builder
    }

    static let sizes = BARSizes([.bar(0): 0x4000, .bar(2): 0x20, .bar(3): 0, .bar(4): 0, .bar(5): 0, .expansionROM: 0])

    static func emulator(_ builder: SpaceBuilder = endpoint(), _ options: QemuOptions = QemuOptions()) throws
        -> WriteEmulator
    {
        try WriteEmulator(
            function: SimulatedFunction(space: builder.space),
            options: SimulationOptions(model: .qemu, barSizes: sizes, qemu: options))
    }

    static func changes(_ emulator: WriteEmulator) -> [QemuChange] {
        emulator.setupNotes.compactMap { if case .qemu(let change) = $0 { change } else { nil } }
    }

    @Test func barsStartAtZeroAndSizeFromTheRegions() throws {
        var emulator = try Self.emulator()
        #expect(emulator.guestValue(at: 0x10, count: 4) == 0x0000_000C)
        #expect(emulator.guestValue(at: 0x14, count: 4) == 0)
        #expect(emulator.guestValue(at: 0x18, count: 4) == 0x0000_0001)
        _ = try emulator.apply(.write(0x10, .dword, 0xFFFF_FFFF))
        _ = try emulator.apply(.write(0x14, .dword, 0xFFFF_FFFF))
        _ = try emulator.apply(.write(0x18, .dword, 0xFFFF_FFFF))
        #expect(emulator.guestValue(at: 0x10, count: 4) == 0xFFFF_C00C)
        #expect(emulator.guestValue(at: 0x14, count: 4) == 0xFFFF_FFFF)
        // pci_register_bar: an I/O BAR's mask is ~(size - 1) over the whole dword.
        #expect(emulator.guestValue(at: 0x18, count: 4) == 0xFFFF_FFE1)
        // Unimplemented BARs and the missing ROM stay 0.
        _ = try emulator.apply(.write(0x1C, .dword, 0xFFFF_FFFF))
        _ = try emulator.apply(.write(0x30, .dword, 0xFFFF_FFFF))
        #expect(emulator.guestValue(at: 0x1C, count: 4) == 0)
        #expect(emulator.guestValue(at: 0x30, count: 4) == 0)
    }

    @Test func theROMFollowsRombarAndVfiosSize() throws {
        var sizes = Self.sizes
        sizes[.expansionROM] = 0x1_0000
        let emulator = try WriteEmulator(
            function: SimulatedFunction(space: Self.endpoint().space),
            options: SimulationOptions(model: .qemu, barSizes: sizes))
        var shown = emulator
        _ = try shown.apply(.write(0x30, .dword, 0xFFFF_FFFF))
        #expect(shown.guestValue(at: 0x30, count: 4) == 0xFFFF_0001)
        #expect(Self.changes(emulator).contains(.romEmulated(size: 0x1_0000)))
        var hidden = try WriteEmulator(
            function: SimulatedFunction(space: Self.endpoint().space),
            options: SimulationOptions(model: .qemu, barSizes: sizes, qemu: QemuOptions(romBAR: false)))
        _ = try hidden.apply(.write(0x30, .dword, 0xFFFF_FFFF))
        #expect(hidden.guestValue(at: 0x30, count: 4) == 0)
        #expect(Self.changes(hidden).contains(.romHidden(byProperty: true)))
    }

    @Test func theExpressCapabilityFollowsTheGuestBus() throws {
        let root = try Self.emulator(Self.endpoint(), QemuOptions(bus: .root))
        #expect((root.guestValue(at: 0x72, count: 2) >> 4) & 0xF == 9)
        #expect(root.guestValue(at: 0x7C, count: 4) == 0)
        #expect(root.guestValue(at: 0x70 + 0x2C, count: 4) == 0)
        let port = try Self.emulator(Self.endpoint(), QemuOptions(bus: .rootPort))
        #expect((port.guestValue(at: 0x72, count: 2) >> 4) & 0xF == 0)
        #expect(port.guestValue(at: 0x7C, count: 4) & 0x3FF == 0x43)
        let integrated = try Self.emulator(Self.endpoint(portType: 9), QemuOptions(bus: .rootPort))
        #expect((integrated.guestValue(at: 0x72, count: 2) >> 4) & 0xF == 0)
        #expect(integrated.guestValue(at: 0x7C, count: 4) == 0x11)
        // Conventional: hidden from the list (MSI links past it), and only 256 bytes reachable.
        let conventional = try Self.emulator(Self.endpoint(), QemuOptions(bus: .conventional))
        #expect(conventional.guestValue(at: 0x51, count: 1) == 0xB0)
        #expect(conventional.size == 256)
        #expect(Self.changes(conventional).contains(.dropped(.standard(.pciExpress), at: 0x70, .conventionalBus)))
    }

    @Test func versionZeroReadsAsOne() throws {
        var builder = Self.endpoint()
        builder.set16(0x72, 0x0000)
        let emulator = try Self.emulator(builder)
        #expect(emulator.guestValue(at: 0x72, count: 2) & 0xF == 1)
    }

    @Test func theExtendedListDropsSRIOVAndARIAndShowsOneReBARSize() throws {
        let emulator = try Self.emulator()
        // AER at 0x100 links past SR-IOV and ARI to Resizable BAR, then DSN.
        #expect(emulator.guestValue(at: 0x100, count: 4) >> 20 == 0x1C0)
        #expect(emulator.guestValue(at: 0x1C0, count: 4) >> 20 == 0x200)
        // The dropped bodies still read through.
        #expect(emulator.guestValue(at: 0x140, count: 2) == 0x0010)
        // vfio_setup_rebar_ecap: Capability shows only 256 MB (bit 12), Control keeps its fields.
        #expect(emulator.guestValue(at: 0x1C4, count: 4) == 1 << 12)
        #expect(emulator.guestValue(at: 0x1C8, count: 4) == 0x0820)
        let changes = Self.changes(emulator)
        #expect(changes.contains(.dropped(.extended(.singleRootIOV), at: 0x140, .singleRootIOV)))
        #expect(changes.contains(.dropped(.extended(.alternativeRoutingID), at: 0x180, .alternativeRoutingID)))
        #expect(changes.contains(.rewritten(.extended(.resizableBAR), at: 0x1C0, .resizableBARCurrentSizeOnly)))
    }

    @Test func aDroppedHeadBecomesANullCapability() throws {
        var builder = Self.endpoint()
        builder.extended(0x100, id: 0x000E, next: 0x200)  // ARI first
        let emulator = try Self.emulator(builder)
        #expect(emulator.guestValue(at: 0x100, count: 4) == 0x2000_0000)
        #expect(Self.changes(emulator).contains(.nullHead(next: 0x200)))
    }

    @Test func aReBARSizeOutsideTheRangeDropsTheCapability() throws {
        var builder = Self.endpoint()
        builder.set32(0x1C8, 0x0000_1420)  // current size 2^20 MB = 1 TB
        let emulator = try Self.emulator(builder)
        #expect(emulator.guestValue(at: 0x100, count: 4) >> 20 == 0x200)
        #expect(
            Self.changes(emulator).contains(
                .dropped(.extended(.resizableBAR), at: 0x1C0, .resizableBARSizeOutOfRange(bar: 0))))
    }

    @Test func msiIsQemusOwnAndClampsMultipleMessageEnable() throws {
        var emulator = try Self.emulator()
        // msi_init keeps the capable vectors, 64-bit and masking; the reset clears the address.
        #expect(emulator.guestValue(at: 0x52, count: 2) == 0x0186)
        #expect(emulator.guestValue(at: 0x54, count: 4) == 0)
        let write = try emulator.apply(.write(0x52, .word, 0x0071))  // enable, ask for 32
        #expect(write.bits.emulated == 0xFFFF)
        #expect(emulator.guestValue(at: 0x52, count: 2) == 0x01B7)  // clamped to 8 (MME 3)
        #expect(emulator.kernelModel?.interrupts == .msi(vectors: 8))
        // The per-vector mask takes 8 bits.
        _ = try emulator.apply(.write(0x60, .dword, 0xFFFF_FFFF))
        #expect(emulator.guestValue(at: 0x60, count: 4) == 0xFF)
        _ = try emulator.apply(.write(0x52, .word, 0x0000))
        #expect(emulator.kernelModel?.interrupts == .intx)
    }

    @Test func msixIsQemusOwnAndCanMove() throws {
        var emulator = try Self.emulator()
        #expect(emulator.guestValue(at: 0xB2, count: 2) == 15)
        _ = try emulator.apply(.write(0xB2, .word, 0xC000))
        #expect(emulator.guestValue(at: 0xB2, count: 2) == 0xC00F)
        #expect(emulator.kernelModel?.interrupts == .msix)
        let moved = try Self.emulator(Self.endpoint(), QemuOptions(msixRelocation: 4))
        #expect(moved.guestValue(at: 0xB4, count: 4) == 0x0000_0004)
        #expect(moved.guestValue(at: 0xB8, count: 4) == 0x0000_0104)
        var sized = moved
        _ = try sized.apply(.write(0x20, .dword, 0xFFFF_FFFF))
        #expect(sized.guestValue(at: 0x20, count: 4) == 0xFFFF_F00C)  // 4 KiB, 64-bit prefetchable
    }

    @Test func overridesAndMultifunctionAreQemus() throws {
        var builder = Self.endpoint()
        builder.bytes[0x0E] = 0x80
        let plain = try Self.emulator(builder)
        #expect(plain.guestValue(at: 0x0E, count: 1) == 0)
        let options = QemuOptions(vendorID: 0x8086, subsystemID: 0xBEEF, multifunction: true)
        let overridden = try Self.emulator(Self.endpoint(), options)
        #expect(overridden.guestValue(at: 0x00, count: 2) == 0x8086)
        #expect(overridden.guestValue(at: 0x02, count: 2) == 0x5678)
        #expect(overridden.guestValue(at: 0x2E, count: 2) == 0xBEEF)
        #expect(overridden.guestValue(at: 0x0E, count: 1) == 0x80)
    }

    @Test func theMachineResetClearsCommandAndResetsTheFunction() throws {
        var builder = Self.endpoint()
        builder.set16(0x04, 0x0407)
        builder.set16(0x70 + 0x0A, 0x0004)  // Device Status: Fatal Error Detected
        let emulator = try Self.emulator(builder)
        #expect(emulator.guestValue(at: 0x04, count: 2) & 0x0407 == 0)
        #expect(emulator.deviceValue(at: 0x70 + 0x0A, count: 2) & 0x0004 == 0)
        #expect(Self.changes(emulator).contains(.startupReset(method: "FLR")))
        #expect(Self.changes(emulator).contains(.intxEnabled))
    }

    @Test func theVirtualPASIDGoesAtTheEndByDefaultInAscendingOrder() throws {
        let pasid = QemuVirtualPASID(width: 16, execute: true, privileged: false)
        var emulator = try Self.emulator(Self.endpoint(), QemuOptions(virtualPASID: pasid))
        #expect(emulator.guestValue(at: 0x200, count: 4) >> 20 == 0xFF8)  // after the last, DSN
        #expect(emulator.guestValue(at: 0xFF8, count: 4) == 0x0001_001B)
        #expect(emulator.guestValue(at: 0xFFC, count: 4) == 0x0000_1002)
        _ = try emulator.apply(.write(0xFFE, .word, 0xFFFF))
        #expect(emulator.guestValue(at: 0xFFE, count: 2) == 0x0007)
        // An offset between capabilities is linked between them.
        let between = QemuVirtualPASID(offset: 0x180, width: 16)
        let linked = try Self.emulator(Self.endpoint(), QemuOptions(virtualPASID: between))
        #expect(linked.guestValue(at: 0x100, count: 4) >> 20 == 0x180)
        #expect(linked.guestValue(at: 0x180, count: 4) >> 20 == 0x1C0)
        #expect(linked.guestValue(at: 0x180, count: 2) == 0x001B)
    }

    @Test func theVirtualPASIDIsRefusedOnAHeaderOrNextToOne() throws {
        let onHeader = try Self.emulator(Self.endpoint(), QemuOptions(virtualPASID: QemuVirtualPASID(offset: 0x200)))
        #expect(Self.changes(onHeader).contains(.virtualPASIDRefused(.insideHeader(offset: 0x200, header: 0x200))))
        let reaching = try Self.emulator(Self.endpoint(), QemuOptions(virtualPASID: QemuVirtualPASID(offset: 0x1FC)))
        #expect(Self.changes(reaching).contains(.virtualPASIDRefused(.reachesNextHeader(offset: 0x1FC, next: 0x200))))
        #expect(QemuVirtualPASID(offset: 0x102).offsetProblem == .misaligned(offset: 0x102))
        #expect(QemuVirtualPASID(offset: 0xFFC).offsetProblem == .outOfRange(offset: 0xFFC))
    }

    @Test func aWriteGoesToVfioFirst() throws {
        // "Write everything to VFIO, let it filter": the vPASID's Control reaches the device
        // too, where unassigned bytes pass through raw.
        let pasid = QemuVirtualPASID(width: 16)
        var emulator = try Self.emulator(Self.endpoint(), QemuOptions(virtualPASID: pasid))
        let record = try emulator.apply(.write(0xFFE, .word, 0x0001))
        #expect(record.deviceWriteBytes == 0b11)
        #expect(emulator.deviceValue(at: 0xFFE, count: 2) == 0x0001)
    }
}
