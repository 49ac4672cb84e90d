/// A capability the planner can add to a function's virtual configuration space.
///
/// These are the capabilities a VMM synthesizes for an assigned VF: PASID and PRI, which a VF
/// must not implement (PCIe r5.0 §9.3.7.11, §9.3.7.14) but a guest needs for shared virtual
/// addressing; ATS, when the VF lacks it; a DVSEC of a given identity; and cfgtui's own
/// free-space DVSEC (a proposal, see `FreeSpaceDVSEC`).
///
/// ```
/// VirtualCapability.pasid.length          // 8
/// VirtualCapability.pasid.extendedID      // .processAddressSpaceID (0x1B)
/// ```
public enum VirtualCapability: Hashable, Sendable {
    /// Process Address Space ID (ID 0x1B, 8 bytes; PCIe r6.0 §7.8.9).
    case pasid
    /// Page Request Interface (ID 0x13, 16 bytes; PCIe r6.0 §10.5.2).
    case pri
    /// Address Translation Services (ID 0x0F, 8 bytes; PCIe r6.0 §10.5.1).
    case ats
    /// A Designated Vendor-Specific Extended Capability (ID 0x23; PCIe r6.0 §7.9.6).
    case dvsec(DVSECIdentity)
    /// cfgtui's free-space DVSEC, describing the space left free (a proposal; `FreeSpaceDVSEC`).
    case freeSpaceDVSEC(FreeSpaceDVSEC)

    /// The kind, without its parameters.
    public var kind: VirtualCapabilityKind {
        switch self {
        case .pasid: .pasid
        case .pri: .pri
        case .ats: .ats
        case .dvsec: .dvsec
        case .freeSpaceDVSEC: .freeSpaceDVSEC
        }
    }

    /// The extended capability ID written in the header.
    public var extendedID: ExtendedCapabilityID { kind.extendedID }

    /// The Capability Version written in the header (1 for all of them).
    public var version: Int { 1 }

    /// The bytes the structure occupies, a multiple of four.
    public var length: Int {
        switch self {
        case .pasid, .ats: 8
        case .pri: 16
        case .dvsec(let identity): identity.length
        case .freeSpaceDVSEC(let dvsec): dvsec.length
        }
    }
}

/// The kinds of capability the planner adds, without parameters (table keys, `--at` names).
///
/// The raw value is the kind's name on the command line (`--add`, `--at`) and in plan files.
public enum VirtualCapabilityKind: String, Hashable, Sendable, CaseIterable, Codable {
    case pasid
    case pri
    case ats
    case dvsec
    case freeSpaceDVSEC = "free-space-dvsec"

    /// The kinds a request names (`--add`): every one but the free-space DVSEC, which is
    /// added on its own (`--add-free-space-dvsec`).
    public static let requestable: [VirtualCapabilityKind] = allCases.filter { $0 != .freeSpaceDVSEC }

    /// The extended capability ID of this kind.
    public var extendedID: ExtendedCapabilityID {
        switch self {
        case .pasid: .processAddressSpaceID
        case .pri: .pageRequest
        case .ats: .addressTranslationServices
        case .dvsec, .freeSpaceDVSEC: .designatedVendorSpecific
        }
    }
}

/// What a DVSEC says about itself: DVSEC Header 1 (Vendor ID, Revision, Length) and Header 2
/// (DVSEC ID) (PCIe r6.0 §7.9.6).
public struct DVSECIdentity: Hashable, Sendable {
    /// The smallest DVSEC: the extended header, Header 1 and Header 2, dword-rounded.
    public static let minimumLength = 12
    /// The largest DVSEC Length the 12-bit field can hold, dword-rounded down.
    public static let maximumLength = 0xFFC

    /// DVSEC Vendor ID (Header 1 bits 15:0).
    public var vendorID: UInt16
    /// DVSEC ID (Header 2 bits 15:0).
    public var dvsecID: UInt16
    /// DVSEC Revision (Header 1 bits 19:16), 0-15.
    public var revision: Int
    /// The structure's length in bytes, written to DVSEC Length (Header 1 bits 31:20).
    /// `init` rounds it up to a multiple of four.
    public var length: Int

    /// Creates an identity; `length` is rounded up to a dword multiple.
    public init(vendorID: UInt16, dvsecID: UInt16, revision: Int = 0, length: Int = minimumLength) {
        self.vendorID = vendorID
        self.dvsecID = dvsecID
        self.revision = revision
        self.length = length > 0 ? (length + 3) & ~3 : length
    }

    /// Why the identity cannot be written, or nil when it can.
    public var problem: DVSECProblem? {
        if length < Self.minimumLength || length > Self.maximumLength { return .lengthOutOfRange(length) }
        if !(0...15).contains(revision) { return .revisionOutOfRange(revision) }
        return nil
    }
}

/// Why a requested DVSEC cannot be built.
public enum DVSECProblem: Hashable, Sendable {
    /// The length is below 12 or above 0xFFC bytes.
    case lengthOutOfRange(Int)
    /// The revision does not fit the 4-bit field.
    case revisionOutOfRange(Int)
}
