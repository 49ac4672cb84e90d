/// Why QEMU leaves a capability out of the guest's list.
public enum QemuDropReason: Hashable, Sendable {
    /// The kernel masked it (ID 0 in the vfio view).
    case maskedByKernel
    /// SR-IOV: read-only VF BARs confuse guest firmware.
    case singleRootIOV
    /// ARI: it would need next-function virtualization.
    case alternativeRoutingID
    /// Resizable BAR whose current size is outside 1 MB-512 GB (the single-size trick cannot work).
    case resizableBARSizeOutOfRange(bar: Int)
    /// The PCI Express capability on a conventional bus of a PCI Express machine.
    case conventionalBus
    /// A Legacy Endpoint on the root bus.
    case legacyEndpointOnRootBus
    /// MSI-X whose table or PBA does not fit its BAR (msix_init refuses it).
    case msixTableOutsideBAR
}

/// How QEMU rewrites a capability it keeps.
public enum QemuRewrite: Hashable, Sendable {
    /// An Endpoint on the root bus becomes an RCiEP: the Device/Port Type changes and the Link
    /// registers read 0.
    case endpointToIntegrated
    /// An RCiEP under a root port becomes an Endpoint with a made-up x1 2.5 GT/s link.
    case integratedToEndpoint
    /// Capability Version 0 (Intel 82599 VF erratum) reads as 1.
    case versionZeroAsOne
    /// Resizable BAR: each BAR reports only its current size, read-only.
    case resizableBARCurrentSizeOnly
}

/// Something QEMU's vfio-pci layer did to the configuration space the guest sees, at realize
/// or at the machine's first reset.
public enum QemuChange: Hashable, Sendable {
    /// The BARs are QEMU's own: they start at 0 and are sized from vfio's regions.
    case barsEmulated
    /// The option ROM BAR: emulated with this size, or hidden (`rombar=0`, or vfio reports none).
    case romEmulated(size: UInt64)
    case romHidden(byProperty: Bool)
    /// A BAR of unknown size: QEMU's copy keeps it 0 here (vfio's region size is not known).
    case barSizeUnknown(BARSlot)
    /// An ID register overridden by an `x-pci-*` property.
    case identityOverridden(offset: Int, value: UInt16)
    /// Header Type bit 7 follows `multifunction`, whatever the device says.
    case multifunction(Bool)
    /// The standard list is rebuilt at the same offsets, with QEMU's next pointers.
    case standardListRebuilt
    /// The list starts past the bytes the source read: QEMU's rebuild of it is not known.
    case standardListUnreadable(readable: Int)
    /// A capability QEMU emulates completely (MSI, MSI-X).
    case emulated(CapabilityKind, at: ConfigOffset)
    /// A capability rewritten in place.
    case rewritten(CapabilityKind, at: ConfigOffset, QemuRewrite)
    /// A capability left out of the list; its body still reads through from vfio.
    case dropped(CapabilityKind, at: ConfigOffset, QemuDropReason)
    /// The extended list is not shown (no extended space, a conventional bus, or an empty list).
    case extendedListAbsent(QemuListAbsence)
    /// The head at 0x100 is QEMU's: a Null capability (ID 0) linking to the first kept one.
    case nullHead(next: Int)
    /// A synthesized capability linked in ascending offset order.
    case added(ExtendedCapabilityID, at: ConfigOffset, length: Int)
    /// `x-vpasid-cap-offset` was not given: QEMU warns and uses 0xFF8.
    case virtualPASIDDefaultOffset
    /// The vPASID was asked for and refused.
    case virtualPASIDRefused(QemuPASIDRefusal)
    /// `x-msix-relocation`: the table and PBA moved to this BAR, which grew to `size`.
    case msixRelocated(bar: Int, tableOffset: UInt32, size: UInt64)
    /// The machine's reset before the guest runs (vfio_pci_reset): the reset used, then BARs
    /// written 0 through vfio.
    case startupReset(method: String?)
    /// The INTx QEMU routes (vfio_intx_enable), when the function has a pin.
    case intxEnabled
}

/// Why the extended list is not shown.
public enum QemuListAbsence: Hashable, Sendable {
    /// The function has no standard capability list (QEMU adds no capabilities at all).
    case noCapabilityList
    /// On a conventional bus the guest reaches only the first 256 bytes.
    case conventionalBus
    /// The dword at 0x100 reads 0 in the vfio view.
    case emptyAtStart
    /// The source read only this many bytes: the extended list is not known.
    case unreadable(readable: Int)
}

/// Why QEMU does not add the vPASID.
public enum QemuPASIDRefusal: Hashable, Sendable {
    /// `x-vpasid-cap-offset` is not dword aligned.
    case misaligned(offset: Int)
    /// `x-vpasid-cap-offset` is outside 0x100-0xFF8.
    case outOfRange(offset: Int)
    /// No extended configuration space in the guest (256-byte function, or a conventional bus).
    case noExtendedSpace
    /// vfio's extended list is empty (the dword at 0x100 is 0): vfio_add_ext_cap returns first.
    case emptyExtendedList
    /// The function shows a PASID capability already (the real one is kept).
    case alreadyPresent(at: ConfigOffset)
    /// The offset falls inside a capability header of the list.
    case insideHeader(offset: Int, header: ConfigOffset)
    /// The capability would reach the next header of the list.
    case reachesNextHeader(offset: Int, next: ConfigOffset)
}
