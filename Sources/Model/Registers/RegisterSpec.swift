/// One register of a structure, as data: where it sits, how wide it is, and its fields.
///
/// Tables of these describe the header and every capability; the views, the placement planner
/// and the write simulator all read them.
/// ```
/// RegisterSpec(0x04, width: 2, "Command", setpci: "COMMAND", fields: [
///     .init(0, "I/O Space Enable", .readWrite, "Responds to I/O space accesses"),
///     ...
/// ])
/// ```
public struct RegisterSpec: Hashable, Sendable {
    /// Offset from the start of the structure (the header, or the capability).
    public var offset: Int
    /// Width in bytes: 1, 2, 4 or 8 for registers with fields; any width for opaque blocks
    /// (vendor-defined bodies, logs), which then have no fields.
    public var width: Int
    /// The specification's name.
    public var name: String
    /// setpci's name for it, for header registers.
    public var setpciName: String?
    /// Fields from the least significant bit up. Bits no field covers are reserved.
    public var fields: [RegisterField]
    /// What an opaque block holds (registers with fields describe each bit instead).
    public var opaqueContent: OpaqueContent

    /// A register with fields, or (without fields) an opaque block of `opaque` content.
    public init(
        _ offset: Int, width: Int, _ name: String, setpci: String? = nil, fields: [RegisterField] = [],
        opaque: OpaqueContent = .undocumented
    ) {
        self.offset = offset
        self.width = width
        self.name = name
        self.setpciName = setpci
        self.fields = fields
        self.opaqueContent = opaque
    }

    /// A copy at another offset (for repeated blocks: VC resources, ReBAR entries, lanes).
    public func moved(by delta: Int, name newName: String? = nil) -> RegisterSpec {
        var copy = self
        copy.offset += delta
        if let newName { copy.name = newName }
        return copy
    }

    /// Whether the register is an opaque block: wider than 8 bytes, or without fields.
    public var isOpaque: Bool { width > 8 || fields.isEmpty }
}

/// What an opaque register block holds: how the write simulator treats its bytes, stated by
/// the table rather than guessed from the block's name.
public enum OpaqueContent: Hashable, Sendable {
    /// Reserved bytes (RsvdP): software writes back what it read; writes change nothing.
    case reserved
    /// Registers the vendor defines (vendor-specific bodies): plain storage to the simulator.
    case vendorDefined
    /// Registers whose bit layout is not catalogued (logs, tables, undocumented bodies): the
    /// simulator cannot say what a write does, drops it and says so.
    case undocumented
}

/// A bit field of a register.
public struct RegisterField: Hashable, Sendable {
    /// The specification's name, e.g. "Max_Payload_Size".
    public var name: String
    /// Lowest bit.
    public var lowBit: Int
    /// Width in bits.
    public var bitCount: Int
    public var access: RegisterAccess
    /// One line: what the field means.
    public var meaning: String
    /// How to interpret its value.
    public var decoding: FieldDecoding

    /// A field of `bits` (e.g. `7...5`, or `3...3` for one bit).
    public init(
        _ bits: ClosedRange<Int>, _ name: String, _ access: RegisterAccess, _ meaning: String,
        _ decoding: FieldDecoding? = nil
    ) {
        self.name = name
        self.lowBit = bits.lowerBound
        self.bitCount = bits.count
        self.access = access
        self.meaning = meaning
        self.decoding = decoding ?? (bits.count == 1 ? .flag : .number)
    }

    /// A one-bit field.
    public init(
        _ bit: Int, _ name: String, _ access: RegisterAccess, _ meaning: String, _ decoding: FieldDecoding? = nil
    ) {
        self.init(bit...bit, name, access, meaning, decoding)
    }

    /// The highest bit.
    public var highBit: Int { lowBit + bitCount - 1 }
    /// The mask of the field within the register value.
    public var mask: UInt64 { (bitCount >= 64 ? UInt64.max : (UInt64(1) << UInt64(bitCount)) - 1) << UInt64(lowBit) }

    /// The field's value extracted from the register's value.
    @inlinable
    public func value(in registerValue: UInt64) -> UInt64 {
        let shifted = registerValue >> UInt64(lowBit)
        return bitCount >= 64 ? shifted : shifted & ((UInt64(1) << UInt64(bitCount)) - 1)
    }
}

/// A named value of an enumerated field.
public struct FieldValueName: Hashable, Sendable {
    public var value: UInt64
    public var name: String

    public init(_ value: UInt64, _ name: String) {
        self.value = value
        self.name = name
    }
}

/// How a field's raw value is interpreted. The views turn the result into text.
public enum FieldDecoding: Hashable, Sendable {
    /// An unsigned number.
    case number
    /// One bit: set or clear.
    case flag
    /// An enumerated value; values not listed are reserved.
    case values([FieldValueName])
    /// A size in bytes: `base << value` (Max_Payload_Size: base 128).
    case bytesShifted(base: Int)
    /// A size in bytes: `2^(value + exponentOffset)` (ATS STU: 2^(v+12)).
    case bytesPowerOfTwo(exponentOffset: Int)
    /// A count stored minus one (table sizes, VC counts): the count is `value + 1`.
    case countMinusOne
    /// A link speed index: 1 = 2.5 GT/s, 2 = 5, 3 = 8, 4 = 16, 5 = 32, 6 = 64, 7 = 128 GT/s.
    case linkSpeed
    /// A vector of supported link speeds: bit n (from the field's low bit) means speed n + 1.
    case linkSpeedVector
    /// A link width: xN.
    case linkWidth
    /// An address: the field's bits in place (`value << lowBit`), e.g. BAR or MSI addresses.
    case address
    /// A pointer to another structure in configuration space (the value is the offset).
    case configPointer
    /// A PCI bus number.
    case busNumber
    /// A routing ID (bus, device, function).
    case routingID
    /// A routing-ID offset (SR-IOV First VF Offset, VF Stride).
    case routingIDOffset
    /// A PCI vendor ID.
    case vendorID
    /// A time or latency: `value` units of `unitNanoseconds`.
    case duration(unitNanoseconds: Int)
}
