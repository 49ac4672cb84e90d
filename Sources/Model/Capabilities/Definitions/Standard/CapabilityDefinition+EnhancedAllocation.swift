// Enhanced Allocation capability (ID 0x14): PCIe r6.0 §7.8.5 (first the PCI Local Bus ECN
// "Enhanced Allocation", 2014). Num Entries at +2; type 1 functions have a fixed bus numbers
// dword at +4; each entry is a header dword, then Entry Size dwords: Base, MaxOffset, and the
// upper halves of whichever of the two is 64-bit.

extension CapabilityID {
    /// Enhanced Allocation (PCIe r6.0 §7.8.5).
    public static let enhancedAllocation = CapabilityID(0x14)
}

extension CapabilityDefinition {
    static let enhancedAllocationFamily = [enhancedAllocation]

    static let enhancedAllocation = CapabilityDefinition(
        .standard(.enhancedAllocation), "Enhanced Allocation", abbreviation: "EA", setpci: "CAP_EA",
        reference: .pcie("7.8.5"), length: .computed("header plus each entry's size", enhancedAllocationLength),
        registers: .computed { input, _ in
            RegisterCatalog.enhancedAllocationRegisters(at: input.base, in: input.space, context: input.context)
        },
        derivedValues: { input in
            RegisterCatalog.enhancedAllocationDerivedValues(at: input.base, in: input.space, context: input.context)
        })

    // Enhanced Allocation (PCI ECN "Enhanced Allocation"): Num Entries in bits 5:0 at +2; type 1
    // functions have one more dword (fixed bus numbers); each entry is a header dword plus
    // Entry Size dwords.
    private static func enhancedAllocationLength(_ input: CapabilityInput) -> CapabilityLength {
        let reader = input.reader
        let layout = input.context.headerLayout
        guard let numberOfEntries = reader.byte(2) else { return reader.unreadable(2) }
        var length = layout == .bridge ? 8 : 4
        for _ in 0..<Int(numberOfEntries & 0x3F) {
            guard let entry = reader.dword(length) else { return reader.unreadable(length) }
            length += 4 + 4 * Int(entry & 7)
            if reader.base + length > ConfigSpace.conventionalSize { break }
        }
        return .computed(length)
    }
}

extension RegisterCatalog {
    /// The Enhanced Allocation registers, entry by entry as the entry headers describe them.
    /// Stops at the first unreadable entry header or at the end of the conventional space.
    fileprivate static func enhancedAllocationRegisters(at base: Int, in space: ConfigSpace, context: FunctionContext)
        -> [RegisterSpec]
    {
        var registers = [standardCapabilityHeader, enhancedAllocationEntryCount]
        guard let count = space.byte(at: base + 2) else { return registers }
        var offset = 4
        if context.headerLayout == .bridge {
            registers.append(enhancedAllocationFixedBusNumbers)
            offset = 8
        }
        for index in 0..<Int(count & 0x3F) {
            guard let header = space.dword(at: base + offset) else { break }
            let size = Int(header & 7)
            let writable = header & 0x4000_0000 != 0
            registers.append(enhancedAllocationEntryHeader.moved(by: offset, name: "Entry \(index) Header"))
            var roles = [EnhancedAllocationDword.base, .maxOffset]
            if let low = space.dword(at: base + offset + 4), low & 2 != 0 { roles.append(.baseUpper) }
            if let low = space.dword(at: base + offset + 8), low & 2 != 0 { roles.append(.maxOffsetUpper) }
            for dword in 0..<min(size, roles.count) {
                let register = enhancedAllocationDword(roles[dword], writable: writable)
                registers.append(register.moved(by: offset + 4 + 4 * dword, name: "Entry \(index) \(register.name)"))
            }
            if size > roles.count {
                let extra = offset + 4 + 4 * roles.count
                registers.append(
                    opaque(extra, width: 4 * (size - roles.count), "Entry \(index) Additional Dwords", .undocumented))
            }
            offset += 4 + 4 * size
            if base + offset > ConfigSpace.conventionalSize { break }
        }
        return registers
    }

    /// Each entry's resource window: base to base + MaxOffset.
    fileprivate static func enhancedAllocationDerivedValues(
        at base: Int, in space: ConfigSpace, context: FunctionContext
    )
        -> [DerivedValue]
    {
        guard let count = space.byte(at: base + 2) else { return [] }
        var values = [DerivedValue]()
        var offset = context.headerLayout == .bridge ? 8 : 4
        for index in 0..<Int(count & 0x3F) {
            guard let header = space.dword(at: base + offset) else { break }
            let size = Int(header & 7)
            if size >= 2, let low = space.dword(at: base + offset + 4), let maxLow = space.dword(at: base + offset + 8)
            {
                var start = UInt64(low & ~3)
                var length = UInt64(maxLow | 3)
                var dword = 3
                if low & 2 != 0 {
                    if size >= dword, let upper = space.dword(at: base + offset + 4 * dword) {
                        start |= UInt64(upper) << 32
                    }
                    dword += 1
                }
                if maxLow & 2 != 0, size >= dword, let upper = space.dword(at: base + offset + 4 * dword) {
                    length |= UInt64(upper) << 32
                }
                let indicator = enhancedAllocationIndicatorNames.decode(UInt64(header >> 4) & 0xF, lowBit: 4)
                let label: String
                if case .named(_, let name) = indicator {
                    label = "Entry \(index) (\(name))"
                } else {
                    label = "Entry \(index)"
                }
                values.append(DerivedValue(label, .addressWindow(base: start, limit: start &+ length)))
            }
            offset += 4 + 4 * size
            if base + offset > ConfigSpace.conventionalSize { break }
        }
        return values
    }

    private enum EnhancedAllocationDword {
        case base, maxOffset, baseUpper, maxOffsetUpper
    }

    private static func enhancedAllocationDword(_ role: EnhancedAllocationDword, writable: Bool) -> RegisterSpec {
        switch role {
        case .base: writable ? enhancedAllocationBaseWritable : enhancedAllocationBase
        case .maxOffset: writable ? enhancedAllocationMaxOffsetWritable : enhancedAllocationMaxOffset
        case .baseUpper: writable ? enhancedAllocationBaseUpperWritable : enhancedAllocationBaseUpper
        case .maxOffsetUpper: writable ? enhancedAllocationMaxOffsetUpperWritable : enhancedAllocationMaxOffsetUpper
        }
    }

    private static let enhancedAllocationEntryCount = RegisterSpec(
        2, width: 2, "Num Entries",
        fields: [
            RegisterField(0...5, "Num Entries", .hardwareInit, "Number of entries that follow"),
            RegisterField(6...15, "Reserved", .reservedPreserve, "Reserved"),
        ])

    private static let enhancedAllocationFixedBusNumbers = RegisterSpec(
        4, width: 4, "Fixed Bus Numbers",
        fields: [
            RegisterField(
                0...7, "Fixed Secondary Bus Number", .hardwareInit, "Secondary bus number the bridge must use",
                .busNumber),
            RegisterField(
                8...15, "Fixed Subordinate Bus Number", .hardwareInit, "Subordinate bus number the bridge must use",
                .busNumber),
            RegisterField(16...31, "Reserved", .reservedPreserve, "Reserved"),
        ])

    private static let enhancedAllocationIndicatorNames = FieldDecoding.values([
        FieldValueName(0, "BAR0"), FieldValueName(1, "BAR1"), FieldValueName(2, "BAR2"), FieldValueName(3, "BAR3"),
        FieldValueName(4, "BAR4"), FieldValueName(5, "BAR5"), FieldValueName(6, "behind the bridge"),
        FieldValueName(7, "no BAR equivalent"), FieldValueName(8, "Expansion ROM"), FieldValueName(9, "VF BAR0"),
        FieldValueName(10, "VF BAR1"), FieldValueName(11, "VF BAR2"), FieldValueName(12, "VF BAR3"),
        FieldValueName(13, "VF BAR4"), FieldValueName(14, "VF BAR5"),
    ])

    private static let enhancedAllocationPropertyNames = FieldDecoding.values([
        FieldValueName(0x00, "memory, non-prefetchable"), FieldValueName(0x01, "memory, prefetchable"),
        FieldValueName(0x02, "I/O"), FieldValueName(0x03, "VF memory, prefetchable"),
        FieldValueName(0x04, "VF memory, non-prefetchable"), FieldValueName(0x05, "bridge memory, non-prefetchable"),
        FieldValueName(0x06, "bridge memory, prefetchable"), FieldValueName(0x07, "bridge I/O"),
        FieldValueName(0xFD, "memory, reserved"), FieldValueName(0xFE, "I/O, reserved"),
        FieldValueName(0xFF, "unavailable (use the secondary properties)"),
    ])

    private static let enhancedAllocationEntryHeader = RegisterSpec(
        0, width: 4, "Entry Header",
        fields: [
            RegisterField(0...2, "Entry Size", .hardwareInit, "Dwords that follow this header in the entry"),
            RegisterField(3, "Reserved", .reservedPreserve, "Reserved"),
            RegisterField(
                4...7, "BAR Equivalent Indicator (BEI)", .hardwareInit, "Which BAR the entry stands in for",
                enhancedAllocationIndicatorNames),
            RegisterField(
                8...15, "Primary Properties", .hardwareInit, "Kind of resource", enhancedAllocationPropertyNames),
            RegisterField(
                16...23, "Secondary Properties", .hardwareInit, "Kind to assume when the primary one is not understood",
                enhancedAllocationPropertyNames),
            RegisterField(24...29, "Reserved", .reservedPreserve, "Reserved"),
            RegisterField(30, "Writable", .hardwareInit, "Base and MaxOffset are writable (otherwise fixed)"),
            RegisterField(31, "Enable", .readWrite, "The function decodes this resource"),
        ])

    private static func makeEnhancedAllocationLow(_ name: String, _ meaning: String, writable: Bool) -> RegisterSpec {
        RegisterSpec(
            0, width: 4, name,
            fields: [
                RegisterField(0, "Reserved", .reservedPreserve, "Reserved"),
                RegisterField(1, "64-bit", .hardwareInit, "An upper dword for this field follows in the entry"),
                RegisterField(2...31, name, writable ? .readWrite : .hardwareInit, meaning, .address),
            ])
    }

    private static func makeEnhancedAllocationHigh(_ name: String, _ meaning: String, writable: Bool) -> RegisterSpec {
        RegisterSpec(
            0, width: 4, name,
            fields: [RegisterField(0...31, name, writable ? .readWrite : .hardwareInit, meaning, .number)])
    }

    private static let baseMeaning = "Bits 31:2 of the resource's start address"
    private static let maxOffsetMeaning = "Bits 31:2 of the resource's last byte offset (bits 1:0 are 11b)"
    private static let enhancedAllocationBase = makeEnhancedAllocationLow("Base", baseMeaning, writable: false)
    private static let enhancedAllocationBaseWritable = makeEnhancedAllocationLow("Base", baseMeaning, writable: true)
    private static let enhancedAllocationMaxOffset = makeEnhancedAllocationLow(
        "MaxOffset", maxOffsetMeaning, writable: false)
    private static let enhancedAllocationMaxOffsetWritable = makeEnhancedAllocationLow(
        "MaxOffset", maxOffsetMeaning, writable: true)
    private static let enhancedAllocationBaseUpper = makeEnhancedAllocationHigh(
        "Base Upper", "Bits 63:32 of the start address", writable: false)
    private static let enhancedAllocationBaseUpperWritable = makeEnhancedAllocationHigh(
        "Base Upper", "Bits 63:32 of the start address", writable: true)
    private static let enhancedAllocationMaxOffsetUpper = makeEnhancedAllocationHigh(
        "MaxOffset Upper", "Bits 63:32 of the last byte offset", writable: false)
    private static let enhancedAllocationMaxOffsetUpperWritable = makeEnhancedAllocationHigh(
        "MaxOffset Upper", "Bits 63:32 of the last byte offset", writable: true)
}
