// The pieces the register tables share: reserved and whole-register builders, the table
// finisher, per-bit flag fields, size names and lane counts. Every capability's own table is in
// its definition file under Capabilities/Definitions.

extension RegisterCatalog {
    // MARK: - Standard capabilities

    /// A register whose bits are all reserved: one field named "Reserved" covering it.
    static func standardReservedRegister(
        _ offset: Int, width: Int, _ name: String, _ access: RegisterAccess, _ meaning: String
    ) -> RegisterSpec {
        RegisterSpec(
            offset, width: width, name,
            fields: [RegisterField(0...(width * 8 - 1), "Reserved", access, meaning)])
    }

    /// BAR Indicator (BIR) values: which Base Address Register a structure lives in.
    static let standardBARIndicatorNames = FieldDecoding.values([
        FieldValueName(0, "BAR0 (0x10)"), FieldValueName(1, "BAR1 (0x14)"), FieldValueName(2, "BAR2 (0x18)"),
        FieldValueName(3, "BAR3 (0x1C)"), FieldValueName(4, "BAR4 (0x20)"), FieldValueName(5, "BAR5 (0x24)"),
    ])

    // MARK: - Extended capabilities

    /// A register whose single field spans all its bits.
    static func whole(
        _ offset: Int, width: Int, _ name: String, _ access: RegisterAccess, _ meaning: String,
        _ decoding: FieldDecoding? = nil
    ) -> RegisterSpec {
        RegisterSpec(
            offset, width: width, name, fields: [RegisterField(0...(8 * width - 1), name, access, meaning, decoding)])
    }

    /// A fully reserved register.
    static func reservedRegister(_ offset: Int, width: Int, _ access: RegisterAccess = .reservedPreserve)
        -> RegisterSpec
    {
        if [1, 2, 3, 4, 8].contains(width) {
            return RegisterSpec(offset, width: width, "Reserved", fields: [.reserved(0...(8 * width - 1), access)])
        }
        return opaque(offset, width: width, "Reserved", .reserved)
    }

    /// Sorts `registers` by offset, drops any that overlap an earlier one (tables placed by
    /// pointers read from hardware can collide) and fills the holes up to `length` with
    /// reserved blocks, so the result satisfies the table invariants for any input.
    static func finished(_ registers: [RegisterSpec], length: Int?) -> [RegisterSpec] {
        // Stable by offset, so a fixed register wins over a table placed on top of it.
        let sorted = registers.enumerated().sorted { ($0.element.offset, $0.offset) < ($1.element.offset, $1.offset) }
        var result = [RegisterSpec]()
        result.reserveCapacity(sorted.count + 2)
        var end = 0
        for (_, register) in sorted where register.offset >= end && register.width > 0 {
            if register.offset > end, let length, end < length {
                let gapEnd = min(register.offset, length)
                result.append(opaque(end, width: gapEnd - end, "Reserved", .reserved))
            }
            result.append(register)
            end = register.offset + register.width
        }
        if let length, end < length {
            result.append(opaque(end, width: length - end, "Reserved", .reserved))
        }
        return result
    }

    /// One flag field per bit of `bits`, named by `name(bit)`, for bit vectors whose bits each
    /// mean one thing (supported sizes, lanes, device numbers).
    static func flagFields(
        _ bits: ClosedRange<Int>, _ access: RegisterAccess, name: (Int) -> String, meaning: (Int) -> String
    ) -> [RegisterField] {
        bits.map { RegisterField($0, name($0), access, meaning($0)) }
    }

    /// A human size for 2^exponent bytes (1 MiB, 512 GiB ...), for field names.
    static func sizeName(exponent: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        let unit = min(exponent / 10, units.count - 1)
        return "\(1 << (exponent - 10 * unit)) \(units[unit])"
    }

    /// Lane count for per-lane registers: the Maximum Link Width, when known.
    static func laneCount(_ context: FunctionContext) -> Int {
        min(context.express?.maxLinkWidth ?? 0, 32)
    }

    /// Whether the function's port faces downstream (root or switch downstream port).
    static func isDownstreamPort(_ context: FunctionContext) -> Bool {
        context.express?.portType.isDownstreamFacing ?? false
    }
}

extension RegisterField {
    /// A reserved field (RsvdP unless `access` says otherwise).
    static func reserved(_ bits: ClosedRange<Int>, _ access: RegisterAccess = .reservedPreserve) -> RegisterField {
        RegisterField(bits, "Reserved", access, "Reserved", .number)
    }

    /// A one-bit reserved field.
    static func reserved(_ bit: Int, _ access: RegisterAccess = .reservedPreserve) -> RegisterField {
        reserved(bit...bit, access)
    }
}
