/// The rules a virtual capability's placement must satisfy (docs/placement.md, "Constraints").
///
/// 1. `dwordAlignment`: the offset is a multiple of four.
/// 2. `extendedArea`: the structure lies in 0x100-0xFFF.
/// 3. `existingStructure`: it overlaps no capability's extent (catalog lengths).
/// 4. `unknownExtent`: after a capability of unknown length, it stays clear up to the next
///    structure (the map's `.possiblyCapability` bytes).
/// 5. `hiddenRegisters`: it covers no non-zero byte outside every structure, unless forced.
/// 6. `reserved`: it avoids `--reserve` ranges and the table's hidden-register ranges.
/// 7. `peer`: rules 3-5 (and the list head) also hold on every peer configuration space.
/// 8. `otherPlacement`: it overlaps no capability placed earlier in the same plan.
/// 9. `listHead`: while the extended list is empty, 0x100-0x103 are kept for the list head;
///    only a capability placed exactly at 0x100 may use them.
///
/// The raw value names the rule in plan files (`constraint` of a rejected candidate).
public enum PlacementConstraint: String, Hashable, Sendable, CaseIterable, Codable {
    case dwordAlignment
    case extendedArea
    case existingStructure
    case unknownExtent
    case hiddenRegisters
    case reserved
    case peer
    case otherPlacement
    case listHead
}

/// Why a candidate offset was rejected. The text a person reads is made by the views.
public indirect enum RejectionReason: Hashable, Sendable {
    /// The offset is not a multiple of four.
    case misaligned(ConfigOffset)
    /// The structure would not lie inside 0x100-0xFFF.
    case outsideExtendedSpace(ConfigRange)
    /// It would overlap an existing capability (`extent` is that capability's known extent).
    case overlapsCapability(CapabilityKind, at: ConfigOffset, extent: ConfigRange)
    /// It would cover bytes after a capability of unknown length, up to the next structure,
    /// which may belong to it.
    case mayBelongToCapability(CapabilityKind, at: ConfigOffset, possibleExtent: ConfigRange)
    /// It would cover non-zero bytes outside every structure: suspected hidden registers.
    case nonZeroBytes(ConfigRange, count: Int)
    /// It would cover a reserved range.
    case reserved(ConfigRange, by: ReservationSource)
    /// It would overlap a capability placed earlier in this plan.
    case overlapsPlacement(VirtualCapabilityKind, at: ConfigOffset, range: ConfigRange)
    /// The extended list is empty: 0x100-0x103 are kept for its head.
    case extendedListHead(ConfigRange)
    /// `dvsec-hint`: the capability does not fit in the advertised range.
    case exceedsAdvertisedRange(ConfigRange)
    /// The same rule fails on peer `index` (0-based, in `--peer` order).
    case onPeer(Int, RejectionReason)

    /// The rule this reason breaks.
    public var constraint: PlacementConstraint {
        switch self {
        case .misaligned: .dwordAlignment
        case .outsideExtendedSpace, .exceedsAdvertisedRange: .extendedArea
        case .overlapsCapability: .existingStructure
        case .mayBelongToCapability: .unknownExtent
        case .nonZeroBytes: .hiddenRegisters
        case .reserved: .reserved
        case .overlapsPlacement: .otherPlacement
        case .extendedListHead: .listHead
        case .onPeer: .peer
        }
    }

    /// The blocking range, when the reason has one.
    public var range: ConfigRange? {
        switch self {
        case .misaligned: nil
        case .outsideExtendedSpace(let range), .nonZeroBytes(let range, _), .reserved(let range, _),
            .extendedListHead(let range), .exceedsAdvertisedRange(let range):
            range
        case .overlapsCapability(_, _, let extent): extent
        case .mayBelongToCapability(_, _, let extent): extent
        case .overlapsPlacement(_, _, let range): range
        case .onPeer(_, let reason): reason.range
        }
    }
}

/// Who reserved a range.
public enum ReservationSource: Hashable, Sendable {
    /// `--reserve` (or the caller).
    case user
    /// A hidden-register range from a table entry.
    case table(KnownOffsetTable.Entry)
}

/// A range of configuration space a placement must not cover, with the reason it gives.
public struct PlacementObstacle: Hashable, Sendable {
    /// The bytes it blocks.
    public var range: ConfigRange
    /// The reason a candidate covering it is rejected.
    public var reason: RejectionReason
    /// A candidate that starts exactly here may cover the obstacle (the list head at 0x100).
    public var allowedStart: ConfigOffset?

    public init(range: ConfigRange, reason: RejectionReason, allowedStart: ConfigOffset? = nil) {
        self.range = range
        self.reason = reason
        self.allowedStart = allowedStart
    }

    /// Whether a structure at `candidate` is blocked by this obstacle.
    public func blocks(_ candidate: ConfigRange) -> Bool {
        guard candidate.overlaps(range) else { return false }
        return allowedStart != candidate.start
    }
}
