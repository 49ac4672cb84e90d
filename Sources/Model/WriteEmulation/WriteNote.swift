/// Something a simulated access did or ran into, beyond its bit masks.
///
/// Warnings point at a likely mistake or at something the simulation cannot know (reserved
/// bits written, a gap, an unknown BAR size); the other notes describe side effects (a reset,
/// a clamped field, VFs enabled). Views turn them into text.
public enum WriteNote: Hashable, Sendable {
    // MARK: - Where the access landed

    /// The access touches bytes outside every structure. `suspectedHiddenRegisters`: the gap
    /// held non-zero bytes in the source, a sign of registers the capability lists do not show.
    case gap(ConfigRange, suspectedHiddenRegisters: Bool)
    /// The bytes follow a capability whose length is unknown and may belong to it.
    case possiblyCapability(ConfigRange, capability: ConfigOffset)
    /// The access spans several registers (their offsets).
    case crossesRegisters([ConfigOffset])
    /// Bytes of a structure with no catalogued field layout: the write is dropped.
    case noFieldLayout(ConfigRange)
    /// The bytes repeat the conventional space (an aliased extended space): the write is dropped.
    case aliasedSpace(ConfigRange)
    /// Reserved bits were written with something other than what they read (RsvdP) or with
    /// ones (RsvdZ); the mask is relative to the access.
    case reservedBitsWritten(mask: UInt32)

    // MARK: - Device behaviour

    /// A BAR's size is unknown, so its sizing cannot be simulated: the write is dropped.
    case barSizeUnknown(BARSlot)
    /// Multiple Message Enable asked for more vectors than Multiple Message Capable allows
    /// and was limited (log2 values).
    case msiQueueSizeLimited(requested: Int, granted: Int)
    /// PowerState: a state the function does not support (D1, D2), or a transition the PCI PM
    /// spec does not allow (from D3hot only to D0): the field keeps its value.
    case powerStateIgnored(from: Int, requested: Int)
    /// PowerState changed.
    case powerStateChanged(from: Int, to: Int)
    /// D3hot to D0 with No_Soft_Reset clear: the function reset its non-sticky state.
    case softReset(changedBits: Int)
    /// A Function Level Reset ran: non-sticky state back to the starting values, non-sticky
    /// status cleared.
    case functionLevelReset(changedBits: Int)
    /// Initiate FLR was written 1 but the function does not advertise FLR: nothing happens.
    case functionLevelResetUnsupported
    /// SR-IOV NumVFs was not changed: VF Enable is set, or the value exceeds TotalVFs.
    case numVFsIgnored(requested: Int, totalVFs: Int, vfEnabled: Bool)
    /// SR-IOV VF Enable changed.
    case virtualFunctionsEnabled(Bool, numVFs: Int)
    /// SR-IOV System Page Size must have exactly one supported bit set.
    case systemPageSizeInvalid(UInt32)
    /// PASID: Execute or Privileged Mode Enable written 1 without the matching Supported bit.
    case pasidFeatureUnsupported(mask: UInt32)
    /// PASID or PRI enabled on a VF: whether its PF has the capability enabled (nil: PF not
    /// known). Linux enables PRI/PASID on a VF only when the PF's is enabled.
    case physicalFunctionCapability(ExtendedCapabilityID, enabled: Bool?)
    /// PRI Enable changed (Stopped and the status flags follow).
    case pageRequestEnabled(Bool)
    /// PRI Reset written 1: with Enable clear it clears the request state; with Enable set the
    /// result is undefined and nothing is done.
    case pageRequestReset(performed: Bool)
    /// PRI Outstanding Page Request Allocation above the capacity.
    case pageRequestAllocationAboveCapacity(allocation: UInt32, capacity: UInt32)

    // MARK: - vfio-pci

    /// vfio's read-modify-write cleared RW1C bits the guest did not write (mask relative to the access).
    case readModifyWriteCleared(mask: UInt32)
    /// The bytes belong to a capability vfio hides; vfio treats them as unassigned (raw).
    case hiddenCapability(CapabilityKind, at: ConfigOffset)
    /// Unassigned bytes and `--gaps drop`: the write is dropped.
    case gapWriteDropped(ConfigRange)
    /// vfio has no write handler for this capability: guest writes are dropped.
    case capabilityReadOnly(CapabilityKind, at: ConfigOffset)
    /// MSI Enable is cleared: vfio enables MSI through VFIO_DEVICE_SET_IRQS, not config writes.
    case msiEnableCleared
    /// INTx Disable is emulated by masking the interrupt in the host.
    case intxDisableEmulated(Bool)
    /// Max_Read_Request_Size went to the device through pcie_set_readrq, floored at the
    /// device's Max_Payload_Size (bytes); `applied` nil: not a valid size, the device keeps its own.
    case maxReadRequestSet(requested: Int, applied: Int?)
    /// An FLR issued by vfio (pci_try_reset_function): the kernel saves and restores the
    /// function's state around the reset, so only non-sticky status was cleared.
    case resetWithRestore(clearedBits: Int)
    /// A power-state change vfio refused: a PF with VFs enabled stays in D0 (EBUSY).
    case powerStateBusy(requested: Int)
    /// The kernel restored the state saved on entering D3hot after the function's soft reset.
    case powerStateRestored
    /// A VPD transfer (a write covering the Address register's high byte): the kernel performs
    /// it through its VPD interface and toggles F; a read's data is not in config space (0).
    case vpdTransfer(write: Bool, address: Int)
    /// The device's BARs no longer held their values at open: vfio wrote them back before the
    /// Command write (vfio_bar_restore).
    case barsRestored
    /// The write landed in a virtual capability (nothing reaches the device).
    case virtualCapability(ExtendedCapabilityID, at: ConfigOffset)

    /// How much the note matters.
    public var severity: DiagnosticSeverity {
        switch self {
        case .gap, .possiblyCapability, .crossesRegisters, .noFieldLayout, .aliasedSpace, .reservedBitsWritten,
            .barSizeUnknown, .powerStateIgnored, .functionLevelResetUnsupported, .numVFsIgnored,
            .systemPageSizeInvalid, .pasidFeatureUnsupported, .pageRequestAllocationAboveCapacity,
            .readModifyWriteCleared, .hiddenCapability, .gapWriteDropped, .powerStateBusy, .msiQueueSizeLimited:
            .warning
        case .physicalFunctionCapability(_, let enabled):
            enabled == true ? .info : .warning
        case .pageRequestReset(let performed):
            performed ? .info : .warning
        case .powerStateChanged, .softReset, .functionLevelReset, .virtualFunctionsEnabled, .pageRequestEnabled,
            .capabilityReadOnly, .msiEnableCleared, .intxDisableEmulated, .maxReadRequestSet, .resetWithRestore,
            .powerStateRestored, .vpdTransfer, .barsRestored, .virtualCapability:
            .info
        }
    }
}
