/// Where a byte lies, as far as the simulator is concerned.
public enum ByteRegion: UInt8, Hashable, Sendable {
    /// Inside the header or a capability, covered by a catalogued register.
    case structure
    /// Outside every structure.
    case gap
    /// Outside every structure, in a gap that held non-zero bytes (suspected hidden registers).
    case hiddenRegisterGap
    /// After a capability of unknown length, up to the next structure.
    case possiblyCapability
    /// Inside a structure, but no catalogued register covers it (or its layout is not public).
    case noLayout
    /// The extended space repeats the conventional one.
    case alias
    /// Not read from the source.
    case unreadable
}

/// What one byte does with each of its bits when it is written (`AccessMap`).
///
/// The masks are disjoint: a bit is taken (RW, RWS, vendor-defined, gap storage), cleared by
/// a 1 (RW1C, RW1CS), an action that reads 0 (write-only), or kept (RO, HwInit, ROS, RsvdP,
/// RsvdZ, and bits without a layout).
public struct ByteRule: Hashable, Sendable {
    /// Bits that take the written value.
    public var take: UInt8
    /// Bits a written 1 clears.
    public var clear: UInt8
    /// Bits whose write triggers an action; they read 0.
    public var action: UInt8
    /// RsvdP bits: software must write back what it read.
    public var reservedPreserve: UInt8
    /// RsvdZ bits: software must write 0.
    public var reservedZero: UInt8
    /// Sticky bits (RWS, RW1CS, ROS): kept across FLR and soft resets.
    public var sticky: UInt8
    public var region: ByteRegion
    /// 0, or 1 + an index into `AccessMap.hooks`: a register with behaviour beyond its masks.
    public var hook: UInt8
    /// The register the byte belongs to (numbered in placement order), or `noRegister`.
    public var register: UInt16

    public static let noRegister: UInt16 = 0xFFFF

    public init(
        take: UInt8 = 0, clear: UInt8 = 0, action: UInt8 = 0, reservedPreserve: UInt8 = 0, reservedZero: UInt8 = 0,
        sticky: UInt8 = 0, region: ByteRegion, hook: UInt8 = 0, register: UInt16 = noRegister
    ) {
        self.take = take
        self.clear = clear
        self.action = action
        self.reservedPreserve = reservedPreserve
        self.reservedZero = reservedZero
        self.sticky = sticky
        self.region = region
        self.hook = hook
        self.register = register
    }
}

/// A register whose write does more than its masks say (PCIe Base, PCI PM, SR-IOV): the
/// device model runs it after applying the masks. `capability` is the structure's offset.
public enum RegisterHook: Hashable, Sendable {
    /// A BAR of unknown size: the write is dropped with a warning.
    case unknownBARSize(BARSlot)
    /// MSI Message Control: Multiple Message Enable is limited to Multiple Message Capable.
    case msiControl(capability: Int)
    /// PM PMCSR: PowerState accepts D0, D3hot and the supported D1/D2, with valid transitions;
    /// D3hot to D0 without No_Soft_Reset resets the function.
    case powerManagementControl(capability: Int)
    /// PCIe Device Control: Initiate Function Level Reset.
    case expressDeviceControl(capability: Int)
    /// Advanced Features Control: Initiate FLR.
    case advancedFeaturesControl(capability: Int)
    /// SR-IOV Control: VF Enable.
    case sriovControl(capability: Int)
    /// SR-IOV NumVFs: only while VF Enable is clear, at most TotalVFs.
    case sriovNumVFs(capability: Int)
    /// SR-IOV System Page Size: one supported page size.
    case sriovSystemPageSize(capability: Int)
    /// PASID Control: Execute and Privileged Mode only when supported.
    case pasidControl(capability: Int)
    /// PRI Control: Enable (Stopped, status) and Reset.
    case priControl(capability: Int)
    /// PRI Outstanding Page Request Allocation.
    case priAllocation(capability: Int)
}

/// For every byte of one function's configuration space, what a write does to each bit:
/// the register attributes of `RegisterCatalog`, refined by the rules the attributes cannot
/// express (BAR sizes, "RW only when supported"), plus the registers with behaviour (hooks).
///
/// Built once per function (the simulation step only looks bytes up), so the cost of the
/// catalog is paid once.
///
/// ```
/// let map = AccessMap(analysis: analysis, barSizes: sizes, gapsAreStorage: true)
/// map.rules[0x04].take        // Command low byte: 0x47 on a PCIe endpoint
/// map.rules[0x06].clear       // Status: 0x00 (bits 8-15 are in 0x07)
/// ```
public struct AccessMap: Sendable {
    /// One rule per byte, `size` of them.
    public let rules: [ByteRule]
    /// The registers with behaviour, indexed by `ByteRule.hook - 1`.
    public let hooks: [RegisterHook]
    /// Start offsets of the registers, indexed by `ByteRule.register`.
    public let registerOffsets: [ConfigOffset]
    /// The gaps of the source, for warnings.
    public let gaps: [Gap]
    /// For `.possiblyCapability` bytes: the capability they may belong to (by byte).
    let possibleOwners: [Int: ConfigOffset]
    public var size: Int { rules.count }

    /// Builds the map. `gapsAreStorage`: bytes outside every structure are plain RW storage
    /// (as QEMU's wmask 0xFF makes unclaimed space); otherwise writes to them are dropped.
    public init(analysis: FunctionAnalysis, barSizes: BARSizes, gapsAreStorage: Bool) {
        var builder = AccessMapBuilder(analysis: analysis, barSizes: barSizes, gapsAreStorage: gapsAreStorage)
        builder.placeRegisters()
        builder.applyRules()
        rules = builder.rules
        hooks = builder.hooks
        registerOffsets = builder.registerOffsets
        gaps = analysis.map.gaps
        possibleOwners = builder.possibleOwners
    }

    /// The gap containing `offset`, if any.
    public func gap(containing offset: Int) -> Gap? {
        gaps.first { $0.range.contains(ConfigOffset(offset)) }
    }

    /// The capability that bytes at `offset` may belong to (`.possiblyCapability` bytes).
    public func possibleOwner(of offset: Int) -> ConfigOffset? { possibleOwners[offset] }

    /// Checks the masks are disjoint and the hook and register indices valid.
    public func checkInvariants() -> Bool {
        for rule in rules {
            if rule.take & rule.clear != 0 || rule.take & rule.action != 0 || rule.clear & rule.action != 0 {
                return false
            }
            if rule.hook != 0 && Int(rule.hook) > hooks.count { return false }
            if rule.register != ByteRule.noRegister && Int(rule.register) >= registerOffsets.count { return false }
        }
        return true
    }
}
