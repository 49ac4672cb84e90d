/// Which vfio-pci `perm_bits` table and handler a byte's owner selects (vfio_config_do_rw).
public enum VfioHandler: UInt8, Hashable, Sendable {
    /// The header (`cap_perms[PCI_CAP_ID_BASIC]`): BAR sizing, Command, INTx.
    case basic
    /// Power Management: PowerState trapped and set by the kernel.
    case powerManagement
    /// VPD: address and data virtual, proxied to the kernel's VPD interface.
    case vpd
    /// PCI-X: Command and ECC writable to the device.
    case pcix
    /// PCI Express: Device Control (FLR, MPS, MRRS virtual), Device Control 2.
    case express
    /// Advanced Features: FLR trapped.
    case advancedFeatures
    /// MSI: the per-device table; Enable and Multiple Message Enable fixed up.
    case msi
    /// AER: the error status, mask and severity bits, ECRC enables.
    case errorReporting
    /// Power Budgeting: Data Select writable.
    case powerBudget
    /// Vendor-specific, VSEC and DVSEC: direct reads, raw writes.
    case vendor
    /// A kept capability without a write handler (MSI-X, ATS, SR-IOV, ...), or the placeholder
    /// of a hidden capability at 0x100: direct reads, writes dropped.
    case directReadOnly
    /// Bytes no kept capability covers (`PCI_CAP_ID_INVALID`): raw.
    case unassigned
    /// A virtual capability of a plan (`PCI_CAP_ID_INVALID_VIRT`): only the virtual copy.
    case virtual
}

/// The owner of a byte as vfio-pci sees it.
public enum VfioOwner: Hashable, Sendable {
    /// The header, 0x00-0x3F.
    case header
    /// A capability vfio keeps in the guest's list.
    case capability(CapabilityKind, at: ConfigOffset)
    /// A hidden capability at 0x100, kept as a 4-byte placeholder (ID and version 0) to anchor
    /// the extended list.
    case placeholder(CapabilityKind, at: ConfigOffset)
    /// Bytes of a capability vfio hides: unlinked from the guest's list and unassigned (raw).
    case hiddenCapability(CapabilityKind, at: ConfigOffset)
    /// Bytes outside every structure: raw (or dropped with `--gaps drop`).
    case unassigned
    /// A virtual capability of a plan: fully virtual.
    case virtualCapability(ExtendedCapabilityID, at: ConfigOffset)
}

/// What vfio does with each bit of one byte, and who owns it.
struct VfioByte: Hashable, Sendable {
    /// vfio's pci_config_map value: 0 header, a capability ID, 0xFF unassigned, 0xFE virtual.
    var map: UInt8
    var handler: VfioHandler
    /// Bits read from and written to the virtual copy.
    var virt: UInt8
    /// Bits the guest may write.
    var write: UInt8
    /// Where the owner starts (vfio_find_cap_start).
    var capabilityStart: UInt16
    /// Index into `VfioLayout.owners`.
    var owner: UInt8

    static let unassigned = VfioByte(
        map: 0xFF, handler: .unassigned, virt: 0, write: 0, capabilityStart: 0, owner: 0)
}

/// A region of a plan that vfio presents fully virtual: a capability to add to the guest's
/// extended list, with its bytes.
///
/// ```
/// VirtualRegion(id: .processAddressSpaceID, version: 1, offset: 0xFF8, body: [0x06, 0x14, 0, 0])
/// ```
public struct VirtualRegion: Hashable, Sendable {
    public var id: ExtendedCapabilityID
    public var version: Int
    public var offset: ConfigOffset
    /// The bytes from +4 to the end of the structure (the header is built when linking).
    public var body: [UInt8]

    public init(id: ExtendedCapabilityID, version: Int, offset: ConfigOffset, body: [UInt8]) {
        self.id = id
        self.version = version
        self.offset = offset
        self.body = body
    }

    /// The bytes the capability occupies.
    public var range: ConfigRange { ConfigRange(start: offset, length: 4 + body.count) }

    /// The regions a plan places.
    public static func regions(of plan: PlacementPlan) -> [VirtualRegion] {
        plan.placements.map { placement in
            VirtualRegion(
                id: placement.capability.extendedID, version: placement.capability.version, offset: placement.offset,
                body: placement.contents.body)
        }
    }
}
