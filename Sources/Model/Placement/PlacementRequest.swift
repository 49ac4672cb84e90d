/// A function the planner works on: its configuration space and identity.
public struct PlacementFunction: Hashable, Sendable {
    public var space: ConfigSpace
    /// The function's vendor and device, as cfgtui knows them (for a VF, the PF's vendor and
    /// the SR-IOV VF Device ID); used to find table entries.
    public var vendorID: UInt16?
    public var deviceID: UInt16?
    /// Whether it is an SR-IOV VF (PASID or PRI on it is then a warning).
    public var isVirtualFunction: Bool
    /// A short read is the kernel's limit for unprivileged readers.
    public var isUnprivilegedRead: Bool

    public init(
        space: ConfigSpace, vendorID: UInt16? = nil, deviceID: UInt16? = nil, isVirtualFunction: Bool = false,
        isUnprivilegedRead: Bool = false
    ) {
        self.space = space
        self.vendorID = vendorID
        self.deviceID = deviceID
        self.isVirtualFunction = isVirtualFunction
        self.isUnprivilegedRead = isUnprivilegedRead
    }

    /// A function with the identity of `function` (VFs included).
    public init(_ function: PCIFunction) {
        self.init(
            space: function.space, vendorID: function.vendorID, deviceID: function.deviceID,
            isVirtualFunction: function.isVirtualFunction, isUnprivilegedRead: function.isUnprivilegedRead)
    }
}

/// One capability to add, optionally at an explicit offset (`--at CAP=OFFSET`).
public struct RequestedCapability: Hashable, Sendable {
    public var capability: VirtualCapability
    /// When set, the capability goes here or nowhere (strategy `explicitOffset`).
    public var explicitOffset: ConfigOffset?

    public init(_ capability: VirtualCapability, at explicitOffset: ConfigOffset? = nil) {
        self.capability = capability
        self.explicitOffset = explicitOffset
    }
}

/// Everything the planner needs: the target, its PF, what to add, how, and the constraints.
///
/// ```
/// var request = PlacementRequest(target: PlacementFunction(vf), capabilities: [.init(.pasid), .init(.pri)])
/// request.physicalFunction = PlacementFunction(pf)
/// request.strategy = .end
/// request.reserved = [ConfigRange(0xA0, length: 16)]
/// let plan = try PlacementPlanner.plan(request)
/// ```
public struct PlacementRequest: Hashable, Sendable {
    /// The function to add capabilities to (usually a VF).
    public var target: PlacementFunction
    /// Its PF, when known: the source of capability bits and of `pfOffset` candidates.
    public var physicalFunction: PlacementFunction?
    /// What to add, in order (each is placed before the next is considered).
    public var capabilities: [RequestedCapability]
    public var strategy: PlacementStrategy
    /// Ranges no placement may cover (`--reserve`).
    public var reserved: [ConfigRange]
    /// Other configuration spaces on which the same offsets must also be free (`--peer`).
    public var peers: [PlacementFunction]
    /// Known-good offsets and hidden registers by vendor:device.
    public var table: KnownOffsetTable
    /// Allow placements over non-zero bytes outside every structure (`--force-nonzero`).
    public var allowsNonZeroBytes: Bool
    /// Add a free-space DVSEC describing the space left free (`--add-free-space-dvsec`).
    public var addsFreeSpaceDVSEC: Bool
    /// PASID bits to use instead of (or without) the PF's.
    public var pasidBits: PASIDBits?
    /// PRI bits to use instead of (or without) the PF's.
    public var priBits: PRIBits?
    /// How the virtual space links the placements into the extended list.
    public var linkOrder: ExtendedListOrder = .append

    public init(
        target: PlacementFunction, physicalFunction: PlacementFunction? = nil, capabilities: [RequestedCapability],
        strategy: PlacementStrategy = .auto, reserved: [ConfigRange] = [], peers: [PlacementFunction] = [],
        table: KnownOffsetTable = .builtIn, allowsNonZeroBytes: Bool = false, addsFreeSpaceDVSEC: Bool = false,
        pasidBits: PASIDBits? = nil, priBits: PRIBits? = nil
    ) {
        self.target = target
        self.physicalFunction = physicalFunction
        self.capabilities = capabilities
        self.strategy = strategy
        self.reserved = reserved
        self.peers = peers
        self.table = table
        self.allowsNonZeroBytes = allowsNonZeroBytes
        self.addsFreeSpaceDVSEC = addsFreeSpaceDVSEC
        self.pasidBits = pasidBits
        self.priBits = priBits
    }
}

/// Why the planner refused to plan at all (rather than failing to place one capability).
public enum PlacementError: Error, Hashable, Sendable {
    /// Nothing was requested.
    case nothingRequested
    /// The same capability was requested twice (only DVSECs may repeat).
    case duplicateCapability(VirtualCapabilityKind)
    /// The target's 4096 bytes are not all readable (non-root sysfs reads give 64).
    case targetNotFullyReadable(readable: Int, needsRoot: Bool)
    /// The target has no extended capability list: no PCI Express (or PCI-X 2.0) capability,
    /// or a 256-byte space.
    case targetHasNoExtendedSpace
    /// The target's extended space repeats its first 256 bytes (it is not really there).
    case extendedSpaceAliased
    /// The dword at 0x100 reads 0xFFFFFFFF: the extended space is not accessible.
    case extendedSpaceInaccessible
    /// The extended list does not end with a zero next pointer (a loop, a pointer to an empty
    /// header or below 0x100): there is no place to link new capabilities.
    case extendedListUnterminated(last: ConfigOffset?)
    /// A peer is not fully readable.
    case peerNotFullyReadable(peer: Int, readable: Int)
    /// A peer has no usable extended space.
    case peerHasNoExtendedSpace(peer: Int)
    /// PASID or PRI has neither a PF capability to copy nor bits given as options.
    case missingCapabilityBits(VirtualCapabilityKind)
    /// A PASID width above 20.
    case invalidPASIDWidth(Int)
    /// A DVSEC identity that cannot be written.
    case invalidDVSEC(DVSECProblem)
    /// Linking the planned capabilities failed (an internal inconsistency: the planner's
    /// checks should have ruled this out).
    case linkingFailed(CapabilityInsertionError)
}
