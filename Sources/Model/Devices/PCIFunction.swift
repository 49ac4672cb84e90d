/// One PCI function as a source delivered it: where it is, its bytes, names and relations.
public struct PCIFunction: Hashable, Sendable {
    public var address: PCIAddress
    public var space: ConfigSpace
    /// The function's identity. Equal to the ID registers, except for VFs, whose ID registers
    /// read 0xFFFF: then the PF's vendor and its SR-IOV VF Device ID (as sysfs reports them).
    public var vendorID: UInt16
    public var deviceID: UInt16
    /// Names from the PCI ID database, when known.
    public var names: FunctionNames
    public var relation: FunctionRelation
    /// The kernel driver bound to it (live host only).
    public var driver: String?
    public var origin: FunctionOrigin
    /// The short read is the kernel's limit for unprivileged readers.
    public var isUnprivilegedRead: Bool
    /// Problems the source found (holes in a dump, libpci warnings).
    public var sourceDiagnostics: [Diagnostic]
    /// The IOMMU group sysfs puts the function in (live host only; nil when there is none).
    public var iommuGroup: IOMMUGroup?

    public init(
        address: PCIAddress, space: ConfigSpace, vendorID: UInt16? = nil, deviceID: UInt16? = nil,
        names: FunctionNames = FunctionNames(), relation: FunctionRelation = .none, driver: String? = nil,
        origin: FunctionOrigin, isUnprivilegedRead: Bool = false, sourceDiagnostics: [Diagnostic] = []
    ) {
        self.address = address
        self.space = space
        self.vendorID = vendorID ?? space.word(at: 0) ?? 0xFFFF
        self.deviceID = deviceID ?? space.word(at: 2) ?? 0xFFFF
        self.names = names
        self.relation = relation
        self.driver = driver
        self.origin = origin
        self.isUnprivilegedRead = isUnprivilegedRead
        self.sourceDiagnostics = sourceDiagnostics
    }

    /// The 24-bit class code (base, sub-class, programming interface), when readable.
    public var classCode: Int? { space.value(at: 0x09, length: 3).map { Int($0) } }

    /// Whether the function is an SR-IOV virtual function.
    public var isVirtualFunction: Bool {
        if case .virtualFunction = relation { return true }
        return false
    }

    /// Analyzes the function's configuration space.
    public func analyze() -> FunctionAnalysis {
        FunctionAnalysis(
            space: space, address: address, isVirtualFunction: isVirtualFunction,
            isUnprivilegedRead: isUnprivilegedRead, extraDiagnostics: sourceDiagnostics)
    }
}

/// An IOMMU group as sysfs lists it (`/sys/kernel/iommu_groups/N/devices`): the unit vfio
/// assigns to a guest.
public struct IOMMUGroup: Hashable, Sendable {
    public var number: Int
    /// Every device in the group (PCI addresses as sysfs names them), this function included.
    public var members: [String]

    public init(number: Int, members: [String]) {
        self.number = number
        self.members = members
    }
}

/// Names from the PCI ID database (pci.ids), each nil when unknown.
public struct FunctionNames: Hashable, Sendable {
    public var vendor: String?
    public var device: String?
    public var subsystemVendor: String?
    public var subsystem: String?
    /// The class name (sub-class when known, else base class).
    public var className: String?
    public var programmingInterface: String?
    /// What the source itself said (a dump's description after the address).
    public var sourceTitle: String?

    public init(
        vendor: String? = nil, device: String? = nil, subsystemVendor: String? = nil, subsystem: String? = nil,
        className: String? = nil, programmingInterface: String? = nil, sourceTitle: String? = nil
    ) {
        self.vendor = vendor
        self.device = device
        self.subsystemVendor = subsystemVendor
        self.subsystem = subsystem
        self.className = className
        self.programmingInterface = programmingInterface
        self.sourceTitle = sourceTitle
    }
}

/// SR-IOV relations between functions.
public enum FunctionRelation: Hashable, Sendable {
    case none
    /// A physical function and its present virtual functions.
    case physicalFunction(virtualFunctions: [PCIAddress])
    /// A virtual function and its physical function.
    case virtualFunction(physicalFunction: PCIAddress)
}

/// Where a function's bytes came from.
public enum FunctionOrigin: Hashable, Sendable {
    /// This host, through libpci and sysfs.
    case host
    /// A dump file, at a line (0 for binary files).
    case dump(file: String, line: Int)
    /// The built-in demo set.
    case demo

    /// Whether re-reading can give new bytes.
    public var isLive: Bool { self == .host }

    /// The source as a whole: the file for dumps (whatever the line), `host` or `demo`.
    /// PF/VF relations only hold between functions of one source.
    public var source: String {
        switch self {
        case .host: "host"
        case .dump(let file, _): "file:" + file
        case .demo: "demo"
        }
    }
}

/// A function as relations name it: its address within its source.
public struct FunctionKey: Hashable, Sendable {
    public var source: String
    public var address: PCIAddress

    public init(source: String, address: PCIAddress) {
        self.source = source
        self.address = address
    }
}

extension PCIFunction {
    /// This function's address within its source.
    public var key: FunctionKey { FunctionKey(source: origin.source, address: address) }

    /// The key of this VF's PF (same source), or nil when it is not a VF.
    public var physicalFunctionKey: FunctionKey? {
        guard case .virtualFunction(let pf) = relation else { return nil }
        return FunctionKey(source: origin.source, address: pf)
    }

    /// The PF of this VF among `functions`: same address as the relation names, same source.
    public func physicalFunctionIndex(in functions: [PCIFunction]) -> Int? {
        guard let wanted = physicalFunctionKey else { return nil }
        return functions.firstIndex { $0.key == wanted }
    }

    /// The PF of this VF among `functions` (see `physicalFunctionIndex(in:)`).
    public func physicalFunction(in functions: [PCIFunction]) -> PCIFunction? {
        physicalFunctionIndex(in: functions).map { functions[$0] }
    }
}
