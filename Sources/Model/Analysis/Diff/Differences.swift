/// One side of a comparison.
public enum DiffSide: String, Hashable, Sendable {
    case a
    case b
}

/// A structure both sides are compared in: the header, or the n-th capability of a kind
/// (the n-th instance on one side is compared with the n-th on the other).
public struct DiffStructure: Hashable, Sendable {
    public var kind: DiffStructureKind
    /// Which instance of the kind, from 0 (always 0 for the header).
    public var instance: Int
    /// The capability's index in each side's `FunctionAnalysis.capabilities` (nil for the
    /// header, or where that side lacks it).
    public var indexA: Int?
    public var indexB: Int?

    public init(kind: DiffStructureKind, instance: Int, indexA: Int?, indexB: Int?) {
        self.kind = kind
        self.instance = instance
        self.indexA = indexA
        self.indexB = indexB
    }
}

/// A difference in where things are: a structure on one side only, at another offset, of
/// another version or length; the size or readable bytes; non-zero gap bytes that differ.
public struct LayoutDifference: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        /// The structure exists on one side only, at `offset` there.
        case onlyIn(DiffSide, offset: ConfigOffset)
        /// The same structure at different offsets.
        case moved(a: ConfigOffset, b: ConfigOffset)
        /// Different extended capability versions.
        case version(a: Int?, b: Int?)
        /// Different lengths (or a length known on one side only).
        case length(a: CapabilityLength, b: CapabilityLength)
        /// Different configuration space sizes (256 or 4096).
        case size(a: Int, b: Int)
        /// Different numbers of bytes read (an unprivileged read, a short dump, holes).
        case readBytes(a: Int, b: Int)
        /// Bytes outside every structure on both sides that differ: hidden registers, or the
        /// bytes after a capability of unknown length (`possibleTailOf`).
        case gapBytes(ConfigRange, a: [UInt8], b: [UInt8], possibleTailOf: CapabilityKind?)
    }

    public var kind: Kind
    /// The structure concerned (nil for size, read bytes and gap bytes).
    public var structure: DiffStructure?
    /// The bytes concerned on each side: the structure's extent, or the gap bytes.
    public var rangeA: ConfigRange?
    public var rangeB: ConfigRange?

    public init(_ kind: Kind, structure: DiffStructure? = nil, rangeA: ConfigRange? = nil, rangeB: ConfigRange? = nil) {
        self.kind = kind
        self.structure = structure
        self.rangeA = rangeA
        self.rangeB = rangeB
    }

    /// The bytes concerned on `side`.
    public func range(on side: DiffSide) -> ConfigRange? { side == .a ? rangeA : rangeB }

    /// The class: identity for structural differences, vendor-defined for hidden registers in
    /// gaps; bytes that may belong to a capability of unknown length are identity (they may be
    /// its registers).
    public var differenceClass: DifferenceClass {
        if case .gapBytes(_, _, _, let tail) = kind, tail == nil { return .vendorDefined }
        return .identity
    }

    /// Whether it makes live migration incompatible.
    public var breaksMigration: Bool { differenceClass.breaksMigration }
}

/// A value on one side of a field difference.
public enum DiffValue: Hashable, Sendable {
    /// A field's raw and decoded value.
    case field(raw: UInt64, decoded: DecodedValue)
    /// The bytes of an opaque block, or of structure bytes no register describes.
    case bytes([UInt8])
    /// The bytes were not read.
    case unreadable
    /// The register or field does not exist on this side.
    case absent
}

/// A field (or opaque block, or undescribed structure bytes) whose value differs.
public struct FieldDifference: Hashable, Sendable {
    /// What part of the register differs.
    public enum Part: Hashable, Sendable {
        /// A field, by name, and its bits within the register.
        case field(String, bits: ClosedRange<Int>)
        /// The whole register: on one side only, or described differently by the two sides'
        /// tables (a PF's and a VF's, two port types), so compared as one value.
        case register
        /// Bits of the register that no field of either table describes.
        case undescribedBits
        /// Bytes of an opaque block, or (without a register) structure bytes no register
        /// describes.
        case bytes
    }

    public var structure: DiffStructure
    /// The register's name, as side a names it (b where a lacks it); nil for structure bytes
    /// no register describes.
    public var register: String?
    public var part: Part
    /// The bytes concerned on each side (nil where the side lacks them).
    public var rangeA: ConfigRange?
    public var rangeB: ConfigRange?
    public var accessA: RegisterAccess?
    public var accessB: RegisterAccess?
    public var a: DiffValue
    public var b: DiffValue
    public var differenceClass: DifferenceClass

    public init(
        structure: DiffStructure, register: String?, part: Part, rangeA: ConfigRange?,
        rangeB: ConfigRange?, accessA: RegisterAccess?, accessB: RegisterAccess?, a: DiffValue, b: DiffValue,
        differenceClass: DifferenceClass
    ) {
        self.structure = structure
        self.register = register
        self.part = part
        self.rangeA = rangeA
        self.rangeB = rangeB
        self.accessA = accessA
        self.accessB = accessB
        self.a = a
        self.b = b
        self.differenceClass = differenceClass
    }

    /// Whether it makes live migration incompatible.
    public var breaksMigration: Bool { differenceClass.breaksMigration }

    /// The bytes concerned on `side`.
    public func range(on side: DiffSide) -> ConfigRange? { side == .a ? rangeA : rangeB }

    /// The field's name, for a field difference.
    public var field: String? {
        if case .field(let name, _) = part { return name }
        return nil
    }

    /// The field's bits within its register, for a field difference.
    public var bits: ClosedRange<Int>? {
        if case .field(_, let bits) = part { return bits }
        return nil
    }
}
