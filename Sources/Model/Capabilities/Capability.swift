/// Which capability list a structure belongs to.
public enum CapabilitySpace: String, Hashable, Sendable {
    /// The conventional list, from the capability pointer, inside the first 256 bytes.
    case standard
    /// The PCI Express extended list, from offset 0x100.
    case extended
}

/// The ID of a capability in either list.
public enum CapabilityKind: Hashable, Sendable {
    case standard(CapabilityID)
    case extended(ExtendedCapabilityID)

    public var space: CapabilitySpace {
        switch self {
        case .standard: .standard
        case .extended: .extended
        }
    }

    /// The ID as a plain number (8 bits for standard, 16 for extended IDs).
    public var rawID: Int {
        switch self {
        case .standard(let id): Int(id.rawValue)
        case .extended(let id): Int(id.rawValue)
        }
    }
}

/// One capability structure found by walking a capability list.
public struct Capability: Hashable, Sendable {
    /// The capability's ID and list.
    public var kind: CapabilityKind
    /// Where its header sits.
    public var offset: ConfigOffset
    /// The extended capability version (bits 19:16 of the header); nil for standard ones.
    public var version: Int?
    /// The next pointer as read (low two bits masked); 0 ends the list.
    public var nextPointer: Int
    /// How long the structure is, when that can be known.
    public var length: CapabilityLength
    /// Position in its own list, from 0.
    public var index: Int

    public init(
        kind: CapabilityKind, offset: ConfigOffset, version: Int?, nextPointer: Int, length: CapabilityLength,
        index: Int
    ) {
        self.kind = kind
        self.offset = offset
        self.version = version
        self.nextPointer = nextPointer
        self.length = length
        self.index = index
    }

    public var space: CapabilitySpace { kind.space }
    /// Everything the catalog knows about this ID.
    public var definition: CapabilityDefinition { CapabilityCatalog.definition(for: kind) }

    /// The bytes this structure certainly owns: its whole length when known, else its header.
    public var extent: ConfigRange { ConfigRange(start: offset, length: length.certainLength(for: kind.space)) }
}

/// The length of a capability structure, and how it was established.
public enum CapabilityLength: Hashable, Sendable {
    /// Fixed by the specification for this ID.
    case fixed(Int)
    /// Computed from the structure's own fields (flags, counts, length fields, link width).
    case computed(Int)
    /// Cannot be known: the ID is not catalogued with a length, or the fields it depends on
    /// are unreadable or invalid. Only the header is certain.
    case unknown(LengthUnknownReason)

    /// The length in bytes when it is known.
    public var bytes: Int? {
        switch self {
        case .fixed(let length), .computed(let length): length
        case .unknown: nil
        }
    }

    /// The bytes certainly owned: the known length, or the 4-byte header when unknown.
    public func certainLength(for space: CapabilitySpace) -> Int { bytes ?? 4 }

    /// `length` rounded up to whole dwords (tables of bytes or words inside a structure).
    static func roundedToDword(_ length: Int) -> Int { (length + 3) & ~3 }
}

/// Why a capability's length is unknown.
public enum LengthUnknownReason: Hashable, Sendable {
    /// The catalog has no length rule for this ID (undocumented, or defined only in a spec
    /// that is not public).
    case notCatalogued
    /// A field the length depends on lies past the readable bytes.
    case fieldUnreadable(ConfigOffset)
    /// A field the length depends on holds a value the specification does not allow.
    case invalidField(ConfigOffset, value: Int)
    /// The length depends on the link width, and the function has no readable PCI Express
    /// capability to take it from.
    case linkWidthUnknown
}
