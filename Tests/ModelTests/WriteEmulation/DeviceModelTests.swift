import Testing

@testable import Model

/// The device model: every attribute rule, access checks, masked writes, gaps.
@Suite struct DeviceModelTests {
    /// A PCIe endpoint with PM at 0x40, PCIe at 0x50, AER at 0x100 and a vendor-specific
    /// capability at 0x90 (8 bytes), plus a non-zero byte in a gap at 0xC0.
    static func endpoint() -> SpaceBuilder {
        var builder = SpaceBuilder(capabilityPointer: 0x40)
        builder.standard(0x40, id: 0x01, next: 0x50)
        builder.set16(0x42, 0x0003)  // PM version 3, no D1/D2, no PME
        builder.set16(0x44, 0x0008)  // No_Soft_Reset
        builder.express(0x50, next: 0x90)
        builder.set32(0x54, 1 << 28 | 0x20)  // DEVCAP: FLR, Extended Tag
        builder.standard(0x90, id: 0x09, next: 0)
        builder.bytes[0x92] = 8
        builder.bytes[0xC0] = 0x5A
        builder.extended(0x100, id: 0x0001, version: 2, next: 0)
        builder.set16(0x118, 0x00A0)  // AER: ECRC generation and check capable
        return builder
    }

    static func device(_ builder: SpaceBuilder = endpoint(), gaps: GapPolicy = .passthrough) throws -> WriteEmulator {
        try SimulationFixtures.emulator(builder, model: .device, gaps: gaps)
    }

    @Test func readOnlyAndHardwareInitBitsKeepTheirValue() throws {
        var emulator = try Self.device()
        let vendor = try emulator.apply(.write(0x00, .word, 0xABCD))
        #expect(vendor.guestAfter == 0x1234)
        #expect(vendor.bits.dropped == 0xFFFF)
        let subsystem = try emulator.apply(.write(0x2C, .word, 0xABCD))  // HwInit
        #expect(subsystem.guestAfter == 0)
    }

    @Test func readWriteBitsTakeTheValue() throws {
        var emulator = try Self.device()
        let record = try emulator.apply(.write(0x04, .word, 0x0547))
        // PCIe endpoint: I/O, Memory, Bus Master, Parity Error Response, SERR#, INTx Disable.
        #expect(record.guestAfter == 0x0547)
        #expect(record.bits.taken == 0x0547)
        #expect(record.bits.forwarded == 0xFFFF)
        let cleared = try emulator.apply(.write(0x04, .word, 0))
        #expect(cleared.guestAfter == 0)
    }

    @Test func legacyCommandBitsAreReadOnlyOnPCIExpress() throws {
        var emulator = try Self.device()
        let record = try emulator.apply(.write(0x04, .word, 0x02B8))  // Special Cycles, MWI, VGA, FB2B
        #expect(record.guestAfter == 0)
    }

    @Test func writeOneToClearClearsOnlyWhereOneIsWritten() throws {
        var builder = Self.endpoint()
        builder.set16(0x06, 0x10 | 0x8000 | 0x2000)  // CAP_LIST, Detected Parity, Received Master Abort
        var emulator = try Self.device(builder)
        let record = try emulator.apply(.write(0x06, .word, 0x8000))
        #expect(record.guestAfter == 0x2010)
        #expect(record.bits.cleared == 0x8000)
        let none = try emulator.apply(.write(0x06, .word, 0))
        #expect(none.guestAfter == 0x2010)
    }

    @Test func stickyBitsBehaveLikeTheirBase() throws {
        var builder = Self.endpoint()
        builder.set32(0x104, 0x0000_1000)  // AER Uncorrectable Status: Poisoned TLP (RW1CS)
        var emulator = try Self.device(builder)
        let status = try emulator.apply(.write(0x104, .dword, 0x0000_1000))
        #expect(status.guestAfter == 0)
        let mask = try emulator.apply(.write(0x108, .dword, 0x0000_1010))  // RWS
        #expect(mask.guestAfter == 0x0000_1010)
    }

    @Test func reservedPreserveBitsKeepAndWarn() throws {
        var emulator = try Self.device()
        let record = try emulator.apply(.write(0x04, .word, 0xF800))  // Command 15:11 RsvdP
        #expect(record.guestAfter == 0)
        #expect(record.notes.contains(.reservedBitsWritten(mask: 0xF800)))
        #expect(record.warnings.count == 1)
    }

    @Test func reservedZeroBitsNeverSetAndWarn() throws {
        var emulator = try Self.device()
        let record = try emulator.apply(.write(0x06, .word, 0x0006))  // Status 2:1 RsvdZ
        #expect(record.guestAfter == 0x0010)
        #expect(record.notes.contains(.reservedBitsWritten(mask: 0x0006)))
    }

    @Test func writeOnlyBitsActAndReadZero() throws {
        var emulator = try Self.device()
        let record = try emulator.apply(.write(0x58, .word, 0x8000))  // Initiate FLR
        #expect(record.guestAfter == 0)
        #expect(record.bits.actions == 0x8000)
        #expect(record.notes.contains { if case .functionLevelReset = $0 { true } else { false } })
    }

    @Test func vendorDefinedBytesTakeWrites() throws {
        var emulator = try Self.device()
        let record = try emulator.apply(.write(0x94, .dword, 0xDEAD_BEEF))
        #expect(record.guestAfter == 0xDEAD_BEEF)
        #expect(record.notes.isEmpty)
    }

    @Test func gapsAreStorageByDefaultAndWarn() throws {
        var emulator = try Self.device()
        let plain = try emulator.apply(.write(0x200, .dword, 0x1234_5678))
        #expect(plain.guestAfter == 0x1234_5678)
        #expect(plain.notes == [.gap(ConfigRange(0x200, length: 4), suspectedHiddenRegisters: false)])
        // 0x98-0xFF held a non-zero byte (at 0xC0): the whole gap is suspect.
        let hidden = try emulator.apply(.write(0xB0, .byte, 0x01))
        #expect(hidden.notes == [.gap(ConfigRange(0xB0, length: 1), suspectedHiddenRegisters: true)])
    }

    @Test func gapsCanBeReadOnly() throws {
        var emulator = try Self.device(gaps: .drop)
        let record = try emulator.apply(.write(0xB0, .dword, 0x1234_5678))
        #expect(record.guestAfter == 0)
        #expect(record.bits.dropped == 0xFFFF_FFFF)
        #expect(record.warnings.count == 1)
    }

    @Test func accessesAcrossRegistersWarn() throws {
        var emulator = try Self.device()
        let record = try emulator.apply(.write(0x04, .dword, 0x0000_0006))
        #expect(record.notes.contains(.crossesRegisters([0x04, 0x06])))
    }

    @Test func maskedWritesKeepTheUnmaskedBitsAsRead() throws {
        var emulator = try Self.device()
        _ = try emulator.apply(.write(0x04, .word, 0x0006))
        let record = try emulator.apply(.write(0x04, .word, 0x0400, mask: 0x0400))
        #expect(record.value == 0x0406)
        #expect(record.guestAfter == 0x0406)
    }

    @Test func maskedWritesWriteBackSetStatusBits() throws {
        // setpci's read-modify-write writes back a 1 read from an RW1C bit, clearing it.
        var builder = Self.endpoint()
        builder.set16(0x5A, 0x0001)  // Device Status: Correctable Error Detected
        var emulator = try Self.device(builder)
        let record = try emulator.apply(.write(0x58, .dword, 0x0000_0001, mask: 0x0000_0001))
        #expect(record.value == 0x0001_0001)
        #expect(emulator.guestValue(at: 0x5A, count: 2) == 0)
    }

    @Test func readsReturnTheValueAndChangeNothing() throws {
        var emulator = try Self.device()
        let record = try emulator.apply(.read(0x00, .dword))
        #expect(record.value == 0x5678_1234)
        #expect(record.isRead)
        #expect(record.bits == WriteBits())
    }

    @Test(arguments: [
        (ConfigAccess.write(0x05, .word, 0), WriteEmulationError.misaligned(offset: 5, width: .word)),
        (ConfigAccess.write(0x06, .dword, 0), WriteEmulationError.misaligned(offset: 6, width: .dword)),
        (ConfigAccess.read(0xFFE, .dword), WriteEmulationError.outOfRange(offset: 0xFFE, width: .dword, size: 4096)),
        (ConfigAccess.read(-1, .byte), WriteEmulationError.outOfRange(offset: -1, width: .byte, size: 4096)),
        // Offsets near Int.max used to trap in `offset + count` (found by WriteEmulationFuzzTests).
        (
            ConfigAccess.read(Int.max - 3, .dword),
            WriteEmulationError.outOfRange(offset: Int.max - 3, width: .dword, size: 4096)
        ),
        (
            ConfigAccess.write(Int.max, .byte, 0),
            WriteEmulationError.outOfRange(offset: Int.max, width: .byte, size: 4096)
        ),
        (ConfigAccess.write(0x04, .word, 0x10000), WriteEmulationError.valueTooWide(value: 0x10000, width: .word)),
        (ConfigAccess.write(0x04, .byte, 1, mask: 0x100), WriteEmulationError.maskTooWide(mask: 0x100, width: .byte)),
    ])
    func refusesBadAccesses(_ access: ConfigAccess, _ expected: WriteEmulationError) throws {
        var emulator = try Self.device()
        #expect(throws: expected) { try emulator.apply(access) }
        #expect(emulator.stepCount == 0)
    }

    @Test func refusesBytesThatWereNotRead() throws {
        var emulator = try WriteEmulator(
            function: SimulatedFunction(space: ConfigSpace(bytes: Array(Self.endpoint().bytes.prefix(64)), size: 4096)),
            options: SimulationOptions(model: .device))
        #expect(throws: WriteEmulationError.unreadable(offset: 0x40, width: .dword, readable: 64)) {
            try emulator.apply(.read(0x40, .dword))
        }
        #expect(emulator.setupNotes.contains(.partialRead(readable: 64, size: 4096)))
    }

    @Test func theRangeChecksAreExactAtTheirBoundaries() {
        // `offset > size - count` and `offset > readable - count`, rewritten from additions
        // that overflowed: the boundaries must not move.
        #expect(ConfigAccess.read(0xFFC, .dword).problem(size: 4096, readable: 4096) == nil)
        #expect(ConfigAccess.read(0xFFF, .byte).problem(size: 4096, readable: 4096) == nil)
        #expect(ConfigAccess.read(0x1000, .byte).problem(size: 4096, readable: 4096) != nil)
        #expect(ConfigAccess.read(60, .dword).problem(size: 4096, readable: 64) == nil)
        #expect(
            ConfigAccess.read(64, .byte).problem(size: 4096, readable: 64)
                == .unreadable(offset: 64, width: .byte, readable: 64))
        #expect(
            ConfigAccess.read(Int.max - 7, .dword).problem(size: Int.max, readable: 64)
                == .unreadable(offset: Int.max - 7, width: .dword, readable: 64))
        #expect(ConfigAccess.read(0, .dword).problem(size: Int.min, readable: 0) != nil)
        #expect(ConfigAccess.read(0, .dword).problem(size: 4096, readable: Int.min) != nil)
    }

    @Test func refusesAHeaderThatWasNotRead() {
        #expect(throws: WriteEmulationError.headerUnreadable(readable: 16)) {
            try WriteEmulator(
                function: SimulatedFunction(space: ConfigSpace(bytes: [UInt8](repeating: 0, count: 16))),
                options: SimulationOptions(model: .device))
        }
    }

    @Test func accessMapMasksAreDisjoint() throws {
        let pf = try #require(SimulationFixtures.physicalFunction)
        let map = AccessMap(
            analysis: FunctionAnalysis(space: pf.space), barSizes: BARSizes([.bar(0): 0x4000]), gapsAreStorage: true)
        #expect(map.checkInvariants())
        #expect(map.size == 4096)
    }

    @Test func theDeviceInTheDeviceModelIsTheGuest() throws {
        var emulator = try Self.device()
        let record = try emulator.apply(.write(0x3C, .byte, 0x0B))
        #expect(record.guestBefore == record.deviceBefore)
        #expect(record.guestAfter == record.deviceAfter)
        #expect(emulator.guestSpace == emulator.deviceSpace)
        #expect(emulator.deviceSpace.byte(at: 0x3C) == 0x0B)
    }

    @Test func applyingLeavesTheOriginalUntouched() throws {
        let emulator = try Self.device()
        let (next, record) = try emulator.applying(.write(0x3C, .byte, 0x0B))
        #expect(record.guestAfter == 0x0B)
        #expect(next.guestValue(at: 0x3C, count: 1) == 0x0B)
        #expect(emulator.guestValue(at: 0x3C, count: 1) == 0)
    }
}
